/**
 * The field errors of one path, next to its input, in the API's own words (the same text PUT
 * /api/config/:section answers): the input names this element in its `aria-describedby`, and tests
 * find it by `[data-field-error="<path>"]`.
 */
export function ConfigFieldError({ id, path, messages }: { id: string; path: string; messages: readonly string[] | undefined }) {
  if (!messages || messages.length === 0) return null;
  return (
    <p id={id} class="alert" data-field-error={path}>
      {messages.map((m, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {m}
        </span>
      ))}
    </p>
  );
}
