/**
 * Imported before the configuration schema: the page's Content-Security-Policy forbids eval, so
 * zod's compiled fast path would only be probed, refused and reported as a violation when the schema
 * is built. Without it zod interprets the same schema, with the same results.
 */
import { z } from 'zod';

z.config({ jitless: true });
