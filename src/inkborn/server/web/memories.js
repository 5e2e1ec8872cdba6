// Her memories, for her author: what she remembers, when, who was there, who may hear it again;
// deleting one is recorded (it stays listed with "also superseded and deleted").
import { api } from './api.js';
import { $, el } from './dom.js';

let where = null; // () => her API path, e.g. /api/characters/ruby

export function setupMemories(base) {
  where = base;
}

export async function openMemories() {
  $('#memories').hidden = false;
  $('#memories-button').setAttribute('aria-expanded', 'true');
  await loadMemories();
  $('#memories-query').focus();
}

export function closeMemories() {
  $('#memories').hidden = true;
  $('#memories-button').setAttribute('aria-expanded', 'false');
}

export const memoriesOpen = () => !$('#memories').hidden;

export async function loadMemories() {
  const q = new URLSearchParams({ limit: '100' });
  const search = $('#memories-query').value.trim();
  if (search) q.set('search', search);
  if ($('#memories-all').checked) q.set('all', 'true');
  const found = await api(`${where()}/memories?${q}`);
  $('#memory-list').replaceChildren(...found.map(memoryItem));
  $('#memories-empty').hidden = found.length > 0;
  $('#memories-empty').textContent = search ? 'Nothing she remembers bears on that.' : 'She remembers nothing yet.';
}

function memoryItem(memory) {
  const when = new Date(memory.lived_at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const who = memory.people.length ? `with ${memory.people.join(', ')}` : 'alone';
  const marks = [
    memory.private && 'told in confidence: only for those who were there',
    memory.superseded_by && 'superseded by an edit: never recalled as true',
    memory.deleted_at && `deleted by ${memory.deleted_by}`,
  ].filter(Boolean);
  const item = el('li', { className: 'memory' },
    el('p', { className: 'memory-meta quiet' }, el('time', { dateTime: memory.lived_at, textContent: when }), ` · ${who}`),
    el('p', { className: 'memory-text' }, el('strong', { textContent: `${memory.speaker}: ` }), memory.text));
  item.dataset.id = memory.id;
  item.classList.toggle('gone', Boolean(memory.superseded_by || memory.deleted_at));
  if (marks.length) item.append(el('p', { className: 'memory-marks quiet', textContent: marks.join(' · ') }));
  if (!memory.deleted_at) {
    const forget = el('button', { type: 'button', className: 'ghost small', textContent: 'Delete',
      title: 'She will not recall it again (kept, and listed with “also superseded and deleted”)' });
    forget.addEventListener('click', async () => {
      await api(`${where()}/memories/${memory.id}`, { method: 'DELETE' });
      await loadMemories();
    });
    item.append(forget);
  }
  return item;
}
