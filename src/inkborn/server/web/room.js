// The room: talking with her. Who is in it (the person speaking, the others in the scene), its turns
// (shown, corrected, taken out), and her reply streamed in, asked for again, or retried when it failed.
import { api, events, lostConnection, ApiError } from './api.js';
import { $, el } from './dom.js';
import { closeLedger } from './ledger.js';
import { asPerson, base, handle, herName, isAuthor, longDate, query, state } from './page.js';
import { showLanded } from './typewriter.js';

const NEW_PERSON = '\u0000new';

// ---------------------------------------------------------------- people and turns

export async function loadPeople() {
  const people = await api(`${base()}/people`);
  state.people = people.map((p) => p.name);
  const self = people.find((p) => p.role === 'author')?.name ?? state.me.name;
  state.self = self;
  const others = people.filter((p) => p.role !== 'author').map((p) => p.name);
  if (state.person && !others.includes(state.person)) others.push(state.person);
  $('#person').replaceChildren(el('option', { value: '', textContent: `${self} (you)` }),
    ...others.map((name) => el('option', { value: name, textContent: name })),
    el('option', { value: NEW_PERSON, textContent: 'someone new…' }));
  $('#person').value = state.person ?? '';
}

export function onPersonChange() {
  if ($('#person').value !== NEW_PERSON) return switchPerson($('#person').value || null);
  $('#new-person').hidden = false;
  $('#new-person-name').focus();
}

export async function switchPerson(name) {
  stopReply();
  Object.assign(state, { person: name, turns: [] });
  renderTurns(false);
  hideProblem();
  $('#new-person').hidden = true;
  await loadPeople();
  await loadTurns();
}

async function turnsPage(before) {
  const q = query({ limit: '50', ...asPerson() });
  if (before != null) q.set('before', before);
  const page = await api(`${base()}/turns?${q}`);
  for (const turn of page.turns) if (turn.landed) state.landed.set(turn.id, turn.landed);
  return page;
}

export async function loadTurns() {
  hideProblem();
  const page = await turnsPage();
  state.turns = page.turns;
  renderTurns(page.more);
  offerRetryIfUnanswered();
  scrollToEnd(true);
}

export async function loadEarlier() {
  const box = $('#conversation');
  const fromBottom = box.scrollHeight - box.scrollTop;
  const page = await turnsPage(state.turns[0]?.id);
  state.turns = [...page.turns, ...state.turns];
  renderTurns(page.more);
  box.scrollTop = box.scrollHeight - fromBottom;
}

function renderTurns(more) {
  $('#turns').replaceChildren(...state.turns.flatMap((turn, i) => {
    const node = turnNode(turn);
    if (turn.speaker === 'her' && turn.status !== 'ok' && state.turns[i + 1]?.speaker === 'her') node.classList.add('superseded');
    const landed = state.landed.get(turn.id);
    return landed ? [landedNode(landed), node] : [node];
  }));
  $('#earlier').hidden = !more;
  $('#room-empty').hidden = state.turns.length > 0;
  offerAgain();
}

/** "Again" is offered when her last reply finished: she says it another way, the one she gave is kept. */
function offerAgain() {
  const last = state.turns.at(-1);
  $('#again').hidden = !(last && last.speaker === 'her' && last.status === 'ok');
  $('#new-conversation').hidden = !isAuthor() || state.turns.length === 0;
}

export async function again() {
  if (state.replying) return;
  $('#again').hidden = true;
  await converse('regenerate', asPerson());
  await loadTurns(); // the reply she gave leaves the room (kept as an alternative, listed to her author)
}

/** Show her the pages: her author's words (the `said` event) and her answer, in his own conversation with her. */
export async function revealPages() {
  if (state.replying) return;
  closeLedger();
  if (state.person || state.with.length) {
    $('#with').value = '';
    state.with = [];
    await switchPerson(null);
  }
  await converse('reveal', {});
}

export async function newConversation() {
  if (state.replying) return;
  await api(`${base()}/conversations`, { method: 'POST', body: asPerson() });
  state.landed = new Map();
  await loadTurns();
  $('#message').focus();
}

function turnNode(turn) {
  const hers = turn.speaker === 'her';
  const who = hers ? herName() : turn.person ?? state.person ?? state.self ?? state.me?.name ?? 'You';
  const li = el('li', { className: `turn ${hers ? 'her' : 'person'}` },
    el('span', { className: 'speaker', textContent: who }), el('div', { className: 'text' }));
  fillTurn(li, turn);
  return li;
}

/** Bring a turn's node up to date with the stored turn: id, status, words, and (for the author) its revision. */
function fillTurn(li, turn) {
  li.dataset.id = turn.id ?? '';
  li.dataset.status = turn.status;
  li.classList.remove('ok', 'partial', 'failed', 'sending', 'streaming');
  li.classList.add(turn.status);
  li.querySelector('.text').textContent = turn.text;
  li.querySelector('.meta')?.remove();
  li.title = turn.created_at ? longDate(turn.created_at) : '';
  turnTools(li, turn);
  if (turn.speaker !== 'her' || turn.status === 'streaming') return;
  const meta = el('div', { className: 'meta' });
  const note = { partial: 'cut off', failed: 'she could not answer' }[turn.status];
  if (note) meta.append(el('span', { className: 'note', textContent: note, title: turn.error ?? '' }));
  if (isAuthor() && turn.revision != null) {
    li.dataset.revision = turn.revision;
    li.title = `spoken under revision ${turn.revision} · ${li.title}`;
    meta.append(el('span', { className: 'rev', textContent: `rev ${turn.revision}` }));
  }
  if (meta.childNodes.length) li.append(meta);
}

/** Her author's hand on a turn: correct its words or take it out of what was said (both recorded). */
function turnTools(li, turn) {
  li.querySelector('.tools')?.remove();
  if (!isAuthor() || turn.id == null || turn.status === 'streaming' || turn.status === 'sending') return;
  const correct = el('button', { type: 'button', className: 'ghost small', textContent: 'correct',
    title: 'Correct these words (what they were is kept)' });
  const remove = el('button', { type: 'button', className: 'ghost small', textContent: 'delete',
    title: 'Take this out of what was said (kept, and recorded)' });
  correct.addEventListener('click', () => correctTurn(turn).catch(handle));
  remove.addEventListener('click', () => deleteTurn(turn).catch(handle));
  li.append(el('div', { className: 'tools' }, correct, remove));
}

async function correctTurn(turn) {
  const text = window.prompt('Correct the words (what they were is kept):', turn.text);
  if (text == null || !text.trim() || text.trim() === turn.text) return;
  await api(`${base()}/turns/${turn.id}`, { method: 'PATCH', body: { text: text.trim() } });
  await loadTurns();
}

async function deleteTurn(turn) {
  if (!window.confirm('Take this out of what was said? It is kept, and the change is recorded.')) return;
  await api(`${base()}/turns/${turn.id}`, { method: 'DELETE' });
  await loadTurns();
}

export async function onWithChange() {
  await enterScene([...new Set($('#with').value.split(',').map((n) => n.trim()).filter(Boolean))]);
}

export async function enterScene(names) {
  if (names.join(',') === state.with.join(',')) return;
  stopReply();
  Object.assign(state, { with: names, turns: [] });
  await loadTurns();
}

/** A visitor's scenes: those her author set with him in them, to talk in (he never begins one). */
export async function loadScenes() {
  const scenes = await api(`${base()}/scenes`);
  $('#visitor-scene').replaceChildren(el('option', { value: '[]', textContent: 'no one else' }),
    ...scenes.map((scene) => el('option', { value: JSON.stringify(scene.with), textContent: scene.with.join(', ') })));
  $('#visitor-scene-picker').hidden = !scenes.length;
}

function landedNode(landed) {
  const button = el('button', { type: 'button', className: 'landed', title: 'Show what changed',
    textContent: landed.shown === false
      ? `✎ revision ${landed.from} → ${landed.to} is known to her, not yet shown`
      : `✎ revision ${landed.from} → ${landed.to} reached her` });
  button.addEventListener('click', () => showLanded(landed).catch(handle));
  return el('li', { className: 'landed-row' }, button);
}

const nearEnd = (box = $('#conversation')) => box.scrollHeight - box.scrollTop - box.clientHeight < 120;

function scrollToEnd(force = false) {
  if (force || nearEnd()) $('#conversation').scrollTop = $('#conversation').scrollHeight;
}

// ---------------------------------------------------------------- talking

export function onMessageKey(event) {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  return send();
}

export async function send(event) {
  event?.preventDefault();
  const text = $('#message').value.trim();
  if (!text || state.replying) return;
  $('#message').value = '';
  await converse('say', { text, ...asPerson() }, text);
}

/** Say something (or, with said null, ask her to answer again) and show her reply event by event. */
async function converse(route, body, said = null) {
  hideProblem();
  document.querySelectorAll('.left-to').forEach((row) => row.remove()); // words spoken since: no longer hers to take up
  const controller = new AbortController();
  state.replying = controller;
  setBusy(true);
  $('#room-empty').hidden = true;
  const mine = said == null ? null : appendTurn({ speaker: 'person', text: said, status: 'sending' });
  const her = appendTurn({ speaker: 'her', text: '', status: 'streaming' });
  waiting(her, null);
  let stored = said == null; // the person's words are on the server (retry answers words already there)
  try {
    for await (const { event, data } of events(`${base()}/${route}`, body, controller.signal)) {
      if (event === 'said') {
        stored = true;
        if (mine) fillTurn(mine, data.turn);
        else { // the reveal: the words are the server's (the pages shown to her)
          her.before(turnNode(data.turn));
          scrollToEnd(true);
        }
        state.turns.push(data.turn);
        if (state.person && !state.people.includes(state.person)) loadPeople().catch(() => {});
      } else if (event === 'queued') waiting(her, data.position);
      else if (event === 'text') addText(her, data.text);
      else if (event === 'done') return finish(her, data);
      else if (event === 'error') {
        const { message = 'she could not answer', code = 502, type } = data.error ?? {};
        return replyFailed(new ApiError(code, message, { error: { type } }), her, data.turn);
      }
    }
    throw lostConnection(); // the stream ended without her last word
  } catch (err) {
    if (err.name === 'AbortError') return;
    if (stored) replyFailed(err, her, null);
    else sendFailed(err, said, mine, her);
  } finally {
    if (state.replying === controller) state.replying = null;
    setBusy(false);
  }
}

function appendTurn(turn) {
  const node = turnNode(turn);
  $('#turns').append(node);
  scrollToEnd(true);
  return node;
}

function waiting(her, position) {
  const note = her.querySelector('.waiting') ?? her.querySelector('.text').appendChild(el('span', { className: 'waiting' }));
  note.replaceChildren(position > 0 ? `waiting — ${position} ahead` : 'she is thinking',
    el('span', { className: 'dots', ariaHidden: 'true', textContent: '…' }));
  scrollToEnd();
}

function addText(her, text) {
  her.querySelector('.waiting')?.remove();
  her.querySelector('.text').append(text);
  scrollToEnd();
}

function finish(her, { turn, landed, said_to: saidTo }) {
  if (!turn) return leftTo(her, saidTo);
  fillTurn(her, turn);
  state.turns.push(turn);
  offerAgain();
  if (landed && isAuthor()) {
    state.landed.set(turn.id, landed);
    her.before(landedNode(landed));
  }
  scrollToEnd();
}

/** In a scene, the words were said to another there: theirs to answer, and she said nothing. */
function leftTo(her, name) {
  const answer = el('button', { type: 'button', className: 'landed', textContent:
    `${herName()} lets ${name} answer — have her answer instead` });
  const row = el('li', { className: 'landed-row left-to' }, answer);
  answer.addEventListener('click', () => {
    if (state.replying) return;
    row.remove();
    converse('retry', asPerson());
  });
  her.replaceWith(row);
  offerAgain();
  scrollToEnd();
}

/** Her reply failed after the person's words were stored: keep what she said, and offer to ask again. */
function replyFailed(err, her, turn) {
  her.querySelector('.waiting')?.remove();
  const begun = her.querySelector('.text').textContent.trim();
  if (turn) state.turns.push(turn);
  if (turn?.text || begun) fillTurn(her, turn?.text ? turn : { speaker: 'her', text: begun, status: 'partial' });
  else her.remove();
  if (err.status === 401) return handle(err);
  const kept = her.isConnected ? 'What she had begun to say is kept.' : 'Your words are kept.';
  showProblem(`${explain(err)} ${kept}`, () => converse('retry', asPerson()));
}

/** The words never reached the server: put them back in the box. */
function sendFailed(err, said, mine, her) {
  mine?.remove();
  her.remove();
  if (!$('#message').value.trim()) $('#message').value = said;
  $('#room-empty').hidden = state.turns.length > 0;
  if (err.status === 401) return handle(err);
  const retryable = err.status === 0 || err.status >= 500;
  showProblem(`${explain(err)}${retryable ? ' Your words are kept.' : ''}`, retryable ? send : null);
}

function explain(err) {
  if (err.body?.lost) return err.message;
  const type = err.body?.error?.type;
  if (err.status === 503 || type === 'backend_unavailable') return 'She can’t answer right now: the model isn’t reachable.';
  if (err.status === 504 || type === 'backend_timeout') return 'She took too long: the model did not answer in time.';
  if (err.status === 502 || type === 'backend_error') return `Something went wrong while she was answering (${err.message}).`;
  return err.message;
}

function offerRetryIfUnanswered() {
  const last = state.turns.at(-1);
  const why = !last ? null : last.speaker === 'person' ? 'She has not answered yet.'
    : { partial: 'Her last reply was cut off.', failed: 'She could not answer last time.' }[last.status];
  if (why) showProblem(why, () => converse('retry', asPerson()));
}

function showProblem(text, action) {
  state.retryAction = action;
  $('#error-text').textContent = text;
  $('#retry').hidden = !action;
  const near = nearEnd();
  $('#error').hidden = false; // the conversation gets shorter: keep its end in sight
  scrollToEnd(near);
}

function hideProblem() {
  state.retryAction = null;
  $('#error').hidden = true;
}

function setBusy(busy) {
  $('#send').disabled = $('#retry').disabled = $('#again').disabled = busy;
  $('#turns').setAttribute('aria-busy', String(busy));
}

export function stopReply() {
  state.replying?.abort(); // the server keeps what she had said as partial
  state.replying = null;
}
