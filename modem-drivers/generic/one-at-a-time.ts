/**
 * Wraps an async function so that calls run one after another: a module has one HTTP client, so a second
 * data check waits for the first. A failed call does not stop the ones behind it.
 */
export function oneAtATime<A, T>(fn: (arg: A) => Promise<T>): (arg: A) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (arg: A) => {
    const run = tail.then(
      () => fn(arg),
      () => fn(arg),
    );
    tail = run.catch(() => undefined);
    return run;
  };
}
