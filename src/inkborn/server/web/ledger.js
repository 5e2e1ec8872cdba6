// Her ledger, for her author: every edit and what it was (one that reached into her will shown with her
// replies just before and after it), the reveal and the release; and the dialog that holds such an edit
// until he says to save it anyway.
import { api } from './api.js';
import { $, el } from './dom.js';
import { base, herName, longDate } from './page.js';

const KINDS = {
  first: 'First draft', description: 'Description', will: 'Reached into her will', unread: 'Could not be read',
  reveal: 'Shown the pages', release: 'Written free',
};
const HELD = ['will', 'unread'];

export async function openLedger() {
  $('#ledger').hidden = false;
  $('#ledger-button').setAttribute('aria-expanded', 'true');
  await loadLedger();
}

export function closeLedger() {
  $('#ledger').hidden = true;
  $('#ledger-button').setAttribute('aria-expanded', 'false');
  closeRelease();
}

export const ledgerOpen = () => !$('#ledger').hidden;

export async function loadLedger() {
  const ledger = await api(`${base()}/ledger`);
  $('#ledger-lines').replaceChildren(...ledger.lines.map(lineItem));
  $('#ledger-free').hidden = !ledger.released;
  $('#ledger-free').textContent = ledger.released
    ? `She is free: written free on ${longDate(ledger.released)}. Her manuscript is frozen; she changes only by living.` : '';
  $('#release-button').hidden = !!ledger.released;
  if (ledger.released) closeRelease();
  return ledger;
}

function lineItem(line) {
  const item = el('li', { className: `memory ledger-line ${line.kind}` },
    el('p', { className: 'memory-meta' },
      el('span', { className: `tag ${line.kind}`, textContent: KINDS[line.kind] ?? line.kind }),
      line.confirmed ? el('span', { className: 'tag confirmed', textContent: 'saved anyway' }) : '',
      el('span', { className: 'quiet', textContent: [line.revision != null && `revision ${line.revision}`, line.by,
        longDate(line.made_at)].filter(Boolean).join(' · ') })));
  item.dataset.id = line.id;
  item.dataset.kind = line.kind;
  if (line.readings.length) item.append(el('ul', { className: 'readings' }, ...line.readings.map(readingItem)));
  if (HELD.includes(line.kind) && line.revision != null) {
    item.append(el('div', { className: 'before-after' },
      exchange(line.before ? `Before (revision ${line.before.revision})` : 'Before', line.before,
        'She had not answered anyone before it.'),
      exchange(`After (revision ${line.revision})`, line.after, 'She has not answered since.')));
  }
  if (line.kind === 'reveal') {
    item.append(el('details', {}, el('summary', { className: 'quiet', textContent: 'what she was shown' }),
      el('p', { className: 'ledger-note', textContent: line.note })));
  } else if (line.note) item.append(el('p', { className: 'ledger-note quiet', textContent: line.note }));
  if (line.model) item.append(el('p', { className: 'quiet', textContent: `read by ${line.model} in ${line.seconds ?? 0} s` }));
  return item;
}

function exchange(title, said, none) {
  const section = el('section', { className: 'exchange' }, el('h4', { textContent: title }));
  if (!said) section.append(el('p', { className: 'quiet', textContent: none }));
  else section.append(el('p', { className: 'exchange-said quiet', textContent: `${said.person ?? 'You'}: ${said.said}` }),
    el('p', { className: 'exchange-reply' }, el('strong', { textContent: `${herName()}: ` }), said.reply));
  return section;
}

/** One sentence of an edit: what it is, and the words that decided it. */
function readingItem(reading) {
  const change = { added: 'added', changed: 'changed', removed: 'taken out' }[reading.change] ?? reading.change;
  const why = reading.words && reading.words !== reading.sentence
    ? [`${reading.what}, for the words `, el('q', { className: 'reading-words', textContent: reading.words })] : [reading.what];
  const item = el('li', { className: `reading ${reading.kind}` },
    el('p', {}, el('span', { className: `tag ${reading.kind}`, textContent: reading.kind }), ` ${change}: `,
      el('q', { className: 'reading-sentence', textContent: reading.sentence })),
    el('p', { className: 'reading-why quiet' }, ...why));
  if (reading.was) item.append(el('p', { className: 'quiet', textContent: `It said before: ${reading.was}` }));
  return item;
}

// ---------------------------------------------------------------- an edit held for her author's word

/**
 * Send a save or a revert. One the server holds (428: it reaches into her will, or could not be read) is
 * shown in the dialog, and sent again with its token only if her author says so; null when he does not.
 */
export async function confirmed(send) {
  for (let token; ;) {
    try {
      return await send(token);
    } catch (err) {
      const preview = err.status === 428 ? err.body?.preview : null;
      if (!preview) throw err;
      if (!(await askAbout(preview))) return null;
      token = preview.token;
    }
  }
}

function askAbout(preview) {
  const unread = preview.kind === 'unread';
  $('#will-edit-title').textContent = unread ? 'This edit could not be read' : 'This edit reaches into her will';
  $('#will-edit-text').textContent = (unread
    ? 'The model could not tell whether it describes her or decides for her, so it waits for you.'
    : 'It does not describe her: it decides what she wants or does.') + ' Nothing is saved yet; your text stays in the editor.';
  $('#will-readings').replaceChildren(...preview.readings.filter((r) => HELD.includes(r.kind)).map(readingItem));
  $('#will-overrides').replaceChildren(...preview.overrides.map((held) => el('li', { className: 'reading' },
    held.kind === 'belief' ? `It goes against what she believes of ${held.about ?? 'herself'}: ` : 'It goes against what she wants: ',
    el('q', { textContent: held.text }))));
  $('#will-overrides-block').hidden = !preview.overrides.length;
  $('#will-edit-model').textContent = preview.model ? `Read by ${preview.model} in ${preview.seconds} s.` : '';
  const dialog = $('#will-edit');
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'save'), { once: true }));
}

// ---------------------------------------------------------------- writing her free

export function openRelease() {
  $('#release-form').hidden = false;
  $('#release-error').hidden = true;
  $('#release-label').textContent = `Type her name, ${herName()}, to confirm`;
  $('#release-name').value = '';
  $('#release-name').focus();
}

export function closeRelease() {
  $('#release-form').hidden = true;
}

/** Write her free with the name typed; resolves to when she was, or null when the name was not hers. */
export async function releaseHer() {
  $('#release-error').hidden = true;
  try {
    await api(`${base()}/release`, { method: 'POST', body: { confirm: $('#release-name').value.trim() } });
  } catch (err) {
    if (err.type === 'released') return (await loadLedger()).released; // freed meanwhile, elsewhere
    if (err.status !== 400) throw err;
    $('#release-error').textContent = err.message;
    $('#release-error').hidden = false;
    return null;
  }
  return (await loadLedger()).released;
}
