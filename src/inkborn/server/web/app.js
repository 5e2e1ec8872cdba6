// Inkborn's page, wired up: who reads it (the token), then each control bound to its part: her characters
// (characters.js), the typewriter (typewriter.js), the room (room.js) and the panels over it (panels.js,
// memories.js, sheet.js, ledger.js), over the page's shared state (page.js).
import { api, setToken, takeToken } from './api.js';
import { $ } from './dom.js';
import { createCharacter, loadCharacters, openCharacter, openNewCharacter } from './characters.js';
import { closeLedger, closeRelease, ledgerOpen, openLedger, openRelease } from './ledger.js';
import { closeMemories, loadMemories, memoriesOpen, openMemories, setupMemories } from './memories.js';
import { base, handle, isAuthor, showNoToken, state } from './page.js';
import { release, toggle } from './panels.js';
import {
  again, enterScene, loadEarlier, newConversation, onMessageKey, onPersonChange, onWithChange, revealPages, send, switchPerson,
} from './room.js';
import { closeSheet, loadSheet, openSheet, setupSheet, sheetOpen } from './sheet.js';
import { closeHistory, dirty, keepMine, onManuscriptInput, openHistory, revert, save, takeTheirs } from './typewriter.js';

setupMemories(base);
setupSheet(base);

// ---------------------------------------------------------------- the page as a whole

async function boot() {
  if (!takeToken()) return showNoToken();
  state.me = await api('/api/me');
  document.body.classList.toggle('visitor', !isAuthor());
  $('#who').hidden = false;
  $('#new-character-button').hidden = $('#person-picker').hidden = $('#scene-picker').hidden = !isAuthor();
  $('#memories-button').hidden = $('#sheet-button').hidden = $('#ledger-button').hidden = !isAuthor();
  $('#as-self').hidden = isAuthor();
  $('#as-self').textContent = `as ${state.me.name}`;
  await loadCharacters();
}

// ---------------------------------------------------------------- wiring

const prevent = (then) => (event) => {
  event.preventDefault();
  return then(event);
};

const LISTENERS = [
  ['#banner-close', 'click', () => { $('#banner').hidden = true; }],
  ['#token-form', 'submit', prevent(() => { setToken($('#token-input').value.trim()); return boot(); })],
  ['#character', 'change', () => openCharacter($('#character').value)],
  ['#new-character-button', 'click', openNewCharacter],
  ['#empty-new', 'click', openNewCharacter],
  ['#new-character-form', 'submit', createCharacter],
  ['#new-character-cancel', 'click', () => $('#new-character').close()],
  ['#manuscript', 'input', onManuscriptInput],
  ['#manuscript', 'keydown', (event) => (event.ctrlKey || event.metaKey) && event.key === 's' && prevent(save)(event)],
  ['#save-retry', 'click', save],
  ['#history-button', 'click', () => ($('#history').hidden ? openHistory() : closeHistory())],
  ['#history-close', 'click', closeHistory],
  ['#history', 'keydown', (event) => event.key === 'Escape' && closeHistory()],
  ['#revert', 'click', revert],
  ['#keep-mine', 'click', keepMine],
  ['#take-theirs', 'click', takeTheirs],
  ['#conflict', 'cancel', (event) => event.preventDefault()], // a choice has to be made
  ['#person', 'change', onPersonChange],
  ['#new-person', 'submit', prevent(() => $('#new-person-name').value.trim() && switchPerson($('#new-person-name').value.trim()))],
  ['#new-person-cancel', 'click', () => { $('#new-person').hidden = true; $('#person').value = state.person ?? ''; }],
  ['#earlier', 'click', loadEarlier],
  ['#say', 'submit', send],
  ['#message', 'keydown', onMessageKey],
  ['#retry', 'click', () => state.retryAction?.()],
  ['#again', 'click', again],
  ['#new-conversation', 'click', newConversation],
  ['#with', 'change', onWithChange],
  ['#visitor-scene', 'change', () => enterScene(JSON.parse($('#visitor-scene').value))],
  ['#memories-button', 'click', () => toggle(openMemories, memoriesOpen)],
  ['#sheet-button', 'click', () => toggle(openSheet, sheetOpen)],
  ['#ledger-button', 'click', () => toggle(openLedger, ledgerOpen)],
  ['#ledger-close', 'click', closeLedger],
  ['#ledger', 'keydown', (event) => event.key === 'Escape' && closeLedger()],
  ['#reveal', 'click', revealPages],
  ['#release-button', 'click', openRelease],
  ['#release-cancel', 'click', closeRelease],
  ['#release-form', 'submit', prevent(release)],
  ['#sheet-close', 'click', closeSheet],
  ['#sheet', 'keydown', (event) => event.key === 'Escape' && closeSheet()],
  ['#sheet-all', 'change', loadSheet],
  ['#memories-close', 'click', closeMemories],
  ['#memories', 'keydown', (event) => event.key === 'Escape' && closeMemories()],
  ['#memories-search', 'submit', prevent(loadMemories)],
  ['#memories-query', 'search', loadMemories],
  ['#memories-all', 'change', loadMemories],
];

for (const [selector, type, listener] of LISTENERS) {
  $(selector).addEventListener(type, (event) => Promise.resolve(listener(event)).catch(handle));
}

window.addEventListener('beforeunload', (event) => {
  if (!dirty() && !state.saving && !state.conflict) return;
  event.preventDefault();
  event.returnValue = '';
});

boot().catch(handle);
