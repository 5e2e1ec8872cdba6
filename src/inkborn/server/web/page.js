// The page's shared state, and what every part of it uses: who reads it, which character is open,
// how times read, and where an error nobody else handled is shown.
import { ApiError, forgetToken } from './api.js';
import { $ } from './dom.js';

export const state = {
  me: null, characters: [], slug: null,
  head: null, savedText: '', // the revision the editor's text is based on, and that revision's text
  saving: null, again: false, timer: 0, // the save in flight; save again once it lands; the pause timer
  conflict: null, revertTo: null, // {revision, text} saved elsewhere while the conflict panel is open
  released: null, // when she was written free (true when only a refused save said so): her manuscript is frozen
  people: [], person: null, turns: [], // whose conversation the room shows (null: the viewer's own), and its turns
  self: null, // the name her author goes by with her (the people's list), shown on his own words
  replying: null, retryAction: null, // the AbortController of the reply coming; what Retry does
  with: [], // the others in the scene, besides the person speaking (her author's choice; a visitor's among his)
  landed: new Map(), // her turn id → {from, to}: the edit that reached her with this turn
};

export const isAuthor = () => state.me?.role === 'author';
export const base = () => `/api/characters/${encodeURIComponent(state.slug)}`;
export const herName = () => state.characters.find((c) => c.slug === state.slug)?.name ?? state.slug;
// who speaks (no `as`: the token's own person) and, for her author, the others in the room with them
export const asPerson = () => ({ ...(state.person ? { as: state.person } : {}), ...(state.with.length ? { with: state.with } : {}) });
export const query = (fields) => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) q.append(key, v);
  return q;
};

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
export const longDate = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ago(iso) {
  const seconds = (new Date(iso) - Date.now()) / 1000;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? [];
  return unit ? relative.format(Math.round(seconds / size), unit) : 'just now';
}

// ---------------------------------------------------------------- the page as a whole

export function show(section) {
  for (const id of ['no-token', 'empty', 'studio']) $(`#${id}`).hidden = id !== section;
  document.body.classList.remove('loading');
}

/** Errors nobody closer to them handled: a refused token shows the token message, anything else the banner. */
export function handle(err) {
  if (err?.name === 'AbortError') return;
  if (err instanceof ApiError && err.status === 401) return showNoToken(err.message);
  console.error(err);
  $('#banner-text').textContent = err?.message ?? String(err);
  $('#banner').hidden = false;
}

export function showNoToken(reason) {
  forgetToken();
  state.me = null;
  $('#who').hidden = true;
  $('#no-token-reason').textContent = reason ? `The key this page had was not accepted: ${reason}.` : 'Open it from a link that carries one.';
  show('no-token');
}
