// Her characters: the picker, opening one (her manuscript and people for her author, his scenes for a
// visitor, then the room), and the dialog that makes a new one.
import { api } from './api.js';
import { $, el } from './dom.js';
import { closePanels } from './panels.js';
import { handle, herName, isAuthor, show, state } from './page.js';
import { loadPeople, loadScenes, loadTurns, stopReply } from './room.js';
import { closeHistory, flushSave, loadManuscript } from './typewriter.js';

export async function loadCharacters(wanted) {
  state.characters = await api('/api/characters');
  const picker = $('#character');
  picker.replaceChildren(...state.characters.map((c) => el('option', { value: c.slug, textContent: c.name })));
  picker.disabled = !isAuthor();
  picker.hidden = $('.character-label').hidden = !state.characters.length;
  if (!state.characters.length) return show(isAuthor() ? 'empty' : 'no-token');
  const known = (slug) => state.characters.some((c) => c.slug === slug);
  const slug = [wanted, state.me.character, sessionStorage.getItem('inkborn.character')].find(known) ?? state.characters[0].slug;
  picker.value = slug;
  await openCharacter(slug);
}

export async function openCharacter(slug) {
  if (state.slug && state.slug !== slug && !(await flushSave())) {
    $('#character').value = state.slug;
    return;
  }
  stopReply();
  Object.assign(state, { slug, person: null });
  sessionStorage.setItem('inkborn.character', slug);
  document.title = `${herName()} · Inkborn`;
  show('studio');
  closeHistory();
  closePanels();
  await (isAuthor() ? Promise.all([loadManuscript(), loadPeople()]) : loadScenes());
  await loadTurns();
  if (!isAuthor()) $('#message').focus();
}

// ---------------------------------------------------------------- a new character

export function openNewCharacter() {
  $('#new-character-form').reset();
  $('#new-character-error').hidden = true;
  $('#new-character').showModal();
}

export async function createCharacter(event) {
  event.preventDefault();
  const name = $('#new-name').value.trim();
  const body = { slug: $('#new-slug').value.trim(), manuscript: $('#new-manuscript').value, ...(name && { name }) };
  try {
    const created = await api('/api/characters', { method: 'POST', body });
    $('#new-character').close();
    await loadCharacters(created.slug);
    $('#manuscript').focus();
  } catch (err) {
    if (err.status === 401) return handle(err);
    $('#new-character-error').textContent = err.message;
    $('#new-character-error').hidden = false;
  }
}
