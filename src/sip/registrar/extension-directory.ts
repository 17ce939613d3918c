/** The checked extensions, looked up by the user part a phone registers with (the To user, RFC 3261 §10.3 step 5). */
import type { StoredDigestSecret } from '../auth/index.js';
import type { Extension } from './extension-config.js';

export class ExtensionDirectory {
  private readonly byUser = new Map<string, Extension>();
  private readonly byGroup = new Map<string, Extension[]>();

  constructor(extensions: readonly Extension[]) {
    for (const extension of extensions) {
      this.byUser.set(extension.user, extension);
      const members = this.byGroup.get(extension.group) ?? [];
      members.push(extension);
      this.byGroup.set(extension.group, members);
    }
  }

  /** User parts compare case-sensitively (RFC 3261 §19.1.4). */
  find(user: string | undefined): Extension | undefined {
    return user === undefined ? undefined : this.byUser.get(user);
  }

  /** The digest secret for a username, for DigestServer.verify. */
  secretFor(username: string): StoredDigestSecret | undefined {
    return this.byUser.get(username)?.secret;
  }

  members(group: string): readonly Extension[] {
    return this.byGroup.get(group) ?? [];
  }

  get size(): number {
    return this.byUser.size;
  }
}
