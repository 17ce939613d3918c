/**
 * What makes a configured AT command text safe to send as one command (pure). The line ends every
 * command with CR (ITU-T V.250 §5.2.1), so a control character inside a configured text would end it
 * early and start another command the operator never wrote.
 */

/** Why a configured command text cannot be sent, or null. */
export function atCommandTextProblem(text: string): string | null {
  if (!/^AT/i.test(text)) return 'must start with AT';
  if (!/^[\x20-\x7e]*$/.test(text)) return 'may hold printable ASCII characters only (no CR, LF or other control characters)';
  return null;
}
