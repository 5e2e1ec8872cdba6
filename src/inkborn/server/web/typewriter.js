// The typewriter: her author's manuscript, saved as revisions as he types (a conflict with a save made
// elsewhere shown, nothing lost; an edit reaching into her will saved only if he says so; nothing once
// she is written free), and its history and diffs.
import { api } from './api.js';
import { $, el } from './dom.js';
import { confirmed } from './ledger.js';
import { ago, base, handle, isAuthor, longDate, state } from './page.js';

const SAVE_PAUSE_MS = 1200;

// ---------------------------------------------------------------- the typewriter

export async function loadManuscript() {
  const [{ text, revision }, { released }] = await Promise.all([api(`${base()}/manuscript`), api(`${base()}/ledger`)]);
  setEditor(text, revision.number);
  freeze(released);
}

/** Once she is written free her manuscript is read-only, and the note says since when (or why a save was refused). */
export function freeze(when, why = null) {
  state.released = when ?? (why ? true : null);
  clearTimeout(state.timer);
  $('#manuscript').readOnly = !!state.released;
  $('#frozen').hidden = !state.released;
  $('#frozen').textContent = why ?? (when ? `She was written free on ${longDate(when)}: her manuscript is frozen.` : '');
  if (!$('#history').hidden) $('#revert').hidden = true;
}

function setEditor(text, number) {
  clearTimeout(state.timer);
  $('#manuscript').value = text;
  savedAs(text, number);
}

function savedAs(text, number) {
  Object.assign(state, { savedText: text, head: number });
  $('#revision').textContent = `revision ${number}`;
  $('#revision').dataset.revision = number;
  showSaveState();
}

export const dirty = () => isAuthor() && state.slug != null && $('#manuscript').value !== state.savedText;

/** "Saved · revision 7", "Unsaved changes…", or a passing state ('busy' or 'failed') with its own words. */
function showSaveState(text, kind = 'busy') {
  const node = $('#save-state');
  node.textContent = text ?? (dirty() ? 'Unsaved changes…' : `Saved · revision ${state.head}`);
  node.dataset.state = text ? kind : dirty() ? 'dirty' : 'saved';
  $('#save-retry').hidden = node.dataset.state !== 'failed' || !!state.conflict || !!state.released;
}

export function onManuscriptInput() {
  showSaveState();
  clearTimeout(state.timer);
  if (!state.conflict && !state.released) state.timer = setTimeout(save, SAVE_PAUSE_MS);
}

/** Save the editor's text as a new revision: one save at a time, and another after it if the text moved on. */
export async function save() {
  clearTimeout(state.timer);
  if (state.saving) {
    state.again = true;
    return state.saving;
  }
  if (state.released) return; // the save state already says why nothing is saved
  if (!dirty() || state.conflict) return showSaveState();
  state.saving = putManuscript($('#manuscript').value, state.head);
  await state.saving.finally(() => { state.saving = null; });
  if (state.again) {
    state.again = false;
    await save();
  }
}

/**
 * PUT the text; never throws: a conflict opens the conflict panel, an edit reaching into her will the will
 * dialog (held back, it stays in the editor), her release freezes the editor; other failures show in the save state.
 */
async function putManuscript(text, baseRevision) {
  showSaveState('Saving…');
  try {
    const saved = await confirmed((confirm) => api(`${base()}/manuscript`,
      { method: 'PUT', body: { text, base_revision: baseRevision, ...(confirm && { confirm }) } }));
    if (!saved) {
      state.again = false; // typed meanwhile: asked again at the next pause, not at once
      return showSaveState('Not saved: you held this edit back; it stays in the editor', 'failed');
    }
    savedAs(text, saved.revision.number);
    if (!$('#history').hidden) loadRevisions().catch(handle);
  } catch (err) {
    if (err.status === 409 && err.body?.current) openConflict(err.body);
    else if (err.status === 401) handle(err);
    else if (err.type === 'released') refused(err);
    else showSaveState(`Not saved: ${err.message}`, 'failed');
  }
}

/** She was written free (elsewhere): nothing is saved, and the editor keeps the text to copy. */
function refused(err) {
  freeze(null, err.message);
  showSaveState('Not saved: she was written free; your text is still here to copy', 'failed');
}

/** Before leaving this character or reverting: save what is unsaved; true when nothing would be lost. */
export async function flushSave() {
  while (state.saving) await state.saving;
  await save();
  return (!dirty() && !state.conflict) || window.confirm('Your latest changes to the manuscript are not saved. Leave them anyway?');
}

function openConflict({ current, diff }) {
  state.conflict = current;
  clearTimeout(state.timer);
  $('#conflict-mine').textContent = $('#manuscript').value;
  $('#conflict-theirs').textContent = current.text;
  $('#conflict-theirs-title').textContent = `Saved elsewhere (revision ${current.revision.number})`;
  renderDiff($('#conflict-diff'), diff ?? '');
  showSaveState('Not saved: the manuscript changed elsewhere', 'failed');
  if (!$('#conflict').open) $('#conflict').showModal();
}

export async function keepMine() {
  const { revision } = state.conflict;
  state.conflict = null;
  $('#conflict').close();
  await putManuscript($('#manuscript').value, revision.number); // another conflict opens the panel again
}

export async function takeTheirs() {
  const { text, revision } = state.conflict;
  const copied = await navigator.clipboard?.writeText($('#manuscript').value).then(() => true, () => false);
  state.conflict = null;
  $('#conflict').close();
  setEditor(text, revision.number);
  if (copied) showSaveState(`Saved · revision ${revision.number} · your version is on the clipboard`, 'saved');
}

// ---------------------------------------------------------------- history and diffs

export async function openHistory() {
  $('#history').hidden = false;
  $('#history-button').setAttribute('aria-expanded', 'true');
  await loadRevisions();
}

export function closeHistory() {
  $('#history').hidden = $('#diff').hidden = true;
  $('#history-button').setAttribute('aria-expanded', 'false');
}

async function loadRevisions() {
  const revisions = await api(`${base()}/revisions`);
  $('#revisions').replaceChildren(...revisions.map(revisionItem));
}

function revisionItem({ number, summary, created_at: at }) {
  const button = el('button', { type: 'button', className: 'revision-item' },
    el('span', { className: 'number', textContent: number }),
    el('span', { className: 'summary', textContent: summary || 'saved' }),
    el('time', { dateTime: at, textContent: ago(at), title: longDate(at) }));
  button.dataset.number = number;
  if (number === state.head) button.append(el('span', { className: 'current', textContent: 'current' }));
  button.addEventListener('click', () => showRevision(number).catch(handle));
  return el('li', {}, button);
}

async function showRevision(number) {
  for (const item of document.querySelectorAll('.revision-item')) item.toggleAttribute('aria-current', item.dataset.number === String(number));
  const { diff } = await api(number > 1 ? `${base()}/diff?a=${number - 1}&b=${number}` : `${base()}/diff?b=1`);
  showDiff(number > 1 ? `Revision ${number - 1} → ${number}` : 'Revision 1, the first draft', diff, number);
}

export async function showLanded({ from, to }) {
  await openHistory();
  const { diff } = await api(`${base()}/diff?a=${from}&b=${to}`);
  showDiff(`Revision ${from} → ${to}, the edit that reached her`, diff, null);
}

function showDiff(title, diff, revertTo) {
  $('#diff').hidden = false;
  $('#diff-title').textContent = title;
  renderDiff($('#diff-body'), diff);
  state.revertTo = revertTo;
  $('#revert').hidden = revertTo == null || revertTo === state.head || !!state.released;
  $('#revert').textContent = `Revert to revision ${revertTo}`;
}

/** A unified diff as coloured lines (the +/- markers are drawn by the style sheet); file headers left out. */
function renderDiff(pre, diff) {
  const lines = diff.split('\n').filter((line) => !/^(--- |\+\+\+ |\\)/.test(line));
  while (lines.at(-1) === '') lines.pop();
  if (!lines.length) return pre.replaceChildren(el('span', { className: 'ctx', textContent: 'No change in the text.' }));
  pre.replaceChildren(...lines.map((line, i) => {
    if (line.startsWith('@@')) return i === 0 ? '' : el('span', { className: 'hunk', textContent: '⋯', title: line });
    return el('span', { className: { '+': 'add', '-': 'del' }[line[0]] ?? 'ctx', textContent: `${line.slice(1)}\n` });
  }));
}

export async function revert() {
  const number = state.revertTo;
  if (!(await flushSave())) return; // unsaved words become a revision first, so reverting loses nothing
  try {
    const done = await confirmed((confirm) => api(`${base()}/revert`, { method: 'POST', body: { number, ...(confirm && { confirm }) } }));
    if (!done) return;
  } catch (err) {
    if (err.type !== 'released') throw err;
    return refused(err);
  }
  await Promise.all([loadManuscript(), loadRevisions()]);
  $('#diff').hidden = true;
}
