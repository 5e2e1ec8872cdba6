// The panels over the room (her memories, her sheet, her ledger): one open at a time; and writing her
// free from the ledger, which freezes her manuscript.
import { closeLedger, releaseHer } from './ledger.js';
import { closeMemories } from './memories.js';
import { closeSheet } from './sheet.js';
import { freeze } from './typewriter.js';

export const closePanels = () => { closeMemories(); closeSheet(); closeLedger(); };

export function toggle(open, isOpen) {
  if (isOpen()) return closePanels();
  closePanels();
  return open();
}

export async function release() {
  const when = await releaseHer();
  if (when) freeze(when);
}
