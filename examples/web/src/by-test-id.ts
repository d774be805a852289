/** The element index.html marks with `data-testid`, of the kind the page expects; missing is a bug. */
export function byTestId<TElement extends HTMLElement>(testId: string, kind: new () => TElement): TElement {
  const element = document.querySelector(`[data-testid="${testId}"]`);
  if (!(element instanceof kind)) throw new Error(`index.html has no ${kind.name} [data-testid="${testId}"]`);
  return element;
}
