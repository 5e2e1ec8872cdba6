// Her sheet, for her author: who she is now. Her canon as written, what she has come to believe about
// each person and what she wants, each with the memories it came from; what she outgrew, on request.
import { api } from './api.js';
import { $, el } from './dom.js';

let where = null; // () => her API path, e.g. /api/characters/ruby

export function setupSheet(base) {
  where = base;
}

export async function openSheet() {
  $('#sheet').hidden = false;
  $('#sheet-button').setAttribute('aria-expanded', 'true');
  await loadSheet();
}

export function closeSheet() {
  $('#sheet').hidden = true;
  $('#sheet-button').setAttribute('aria-expanded', 'false');
}

export const sheetOpen = () => !$('#sheet').hidden;

export async function loadSheet() {
  const q = $('#sheet-all').checked ? '?all=true' : '';
  const sheet = await api(`${where()}/sheet${q}`);
  const beliefs = sheet.beliefs.flatMap((group) => group.held.map((held) => heldItem(held, `About ${group.about ?? 'herself'}`)));
  $('#sheet-beliefs').replaceChildren(...beliefs);
  $('#sheet-beliefs-empty').hidden = beliefs.length > 0;
  $('#sheet-wishes').replaceChildren(...sheet.wishes.map((held) => heldItem(held, '')));
  $('#sheet-wishes-empty').hidden = sheet.wishes.length > 0;
  $('#sheet-before').replaceChildren(...sheet.before.map((held) => heldItem(held, noLonger(held))));
  $('#sheet-before-block').hidden = !$('#sheet-all').checked;
  $('#sheet-canon').replaceChildren(...sheet.canon.map((sentence) => el('li', { textContent: sentence })));
  const last = sheet.last_reflected ? `, last ${new Date(sheet.last_reflected).toLocaleString()}` : '';
  $('#sheet-reflections').textContent = `She has reflected ${sheet.reflections} time${sheet.reflections === 1 ? '' : 's'}`
    + `${last}. Toward the next: ${sheet.toward_next} of ${sheet.reflect_at} (what she lived since, by how much it mattered).`;
}

function noLonger(held) {
  const what = held.kind === 'belief' ? `Belief about ${held.about ?? 'herself'}` : 'Wish';
  if (held.outgrown_by) return `${what}, outgrown at reflection ${held.outgrown_by}`;
  if (held.superseded_by) return `${what}, superseded by an edit`;
  return `${what}, deleted`;
}

function heldItem(held, label) {
  const sources = el('ul', { className: 'sheet-sources quiet' },
    ...held.sources.map((source) => el('li', { textContent: `${source.speaker}: ${source.text}` })));
  const details = el('details', {}, el('summary', { className: 'quiet', textContent: `from ${held.sources.length} memor${held.sources.length === 1 ? 'y' : 'ies'}` }), sources);
  const item = el('li', { className: 'memory' },
    label ? el('p', { className: 'memory-meta quiet', textContent: label }) : '',
    el('p', { className: 'memory-text', textContent: held.text }), details);
  if (held.private) item.append(el('p', { className: 'memory-marks quiet', textContent: `drawn from a confidence: only for ${held.people.join(', ')}` }));
  item.dataset.id = held.id;
  return item;
}
