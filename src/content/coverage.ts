/** Every leaf key of nested strings, dotted: { a: { b: 'x' } } → ['a.b']. */
export function flatKeys(value: unknown, prefix = ''): string[] {
  return typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([key, inner]) => flatKeys(inner, prefix ? `${prefix}.${key}` : key))
    : [prefix];
}

/** The keys the English text has and a translation lacks: what is left to translate. */
export function missingKeys(english: unknown, translation: unknown): string[] {
  const have = new Set(flatKeys(translation));
  return flatKeys(english).filter((key) => !have.has(key));
}
