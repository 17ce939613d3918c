import type { SipRequest, SipResponse } from '../message/index.js';
import type { Dialog } from './dialog.js';
import { dialogIdOfIncomingRequest, dialogIdOfIncomingResponse, dialogKey, type DialogId } from './dialog-id.js';

/**
 * The live dialogs by id (RFC 3261 §12). A dialog leaves by itself when it terminates. Lookups take
 * the tags from where the message carries ours: To for incoming requests, From for responses.
 */
export class DialogTable {
  private readonly dialogs = new Map<string, Dialog>();

  /** Adds a live dialog; false when one with the same id is already there or it has terminated. */
  add(dialog: Dialog): boolean {
    if (dialog.state === 'terminated' || this.dialogs.has(dialog.key)) return false;
    this.dialogs.set(dialog.key, dialog);
    dialog.onTerminated(() => {
      if (this.dialogs.get(dialog.key) === dialog) this.dialogs.delete(dialog.key);
    });
    return true;
  }

  get(id: DialogId): Dialog | undefined {
    return this.dialogs.get(dialogKey(id));
  }

  findForRequest(request: SipRequest): Dialog | undefined {
    const id = dialogIdOfIncomingRequest(request);
    return id === undefined ? undefined : this.get(id);
  }

  findForResponse(response: SipResponse): Dialog | undefined {
    const id = dialogIdOfIncomingResponse(response);
    return id === undefined ? undefined : this.get(id);
  }

  get size(): number {
    return this.dialogs.size;
  }

  all(): Dialog[] {
    return [...this.dialogs.values()];
  }
}
