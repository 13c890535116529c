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

/** Every leaf string of nested strings, by dotted key. */
function flatStrings(value: unknown, prefix = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[prefix, value]];
  return typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([key, inner]) => flatStrings(inner, prefix ? `${prefix}.${key}` : key))
    : [];
}

/** The names interpolated in a string: "{{days}}" and "{{days, number}}" are both "days". */
function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((match) => match[1]!));
}

/**
 * Where a translation leaves out a value the English string shows (a queue position, a number of
 * days): "key: {{name}}". The person would be told less than in English, and nothing else notices.
 */
export function missingPlaceholders(english: unknown, translation: unknown): string[] {
  const translated = new Map(flatStrings(translation));
  return flatStrings(english).flatMap(([key, text]) => {
    const other = translated.get(key);
    if (other === undefined) return [];
    const have = placeholders(other);
    return [...placeholders(text)].filter((name) => !have.has(name)).map((name) => `${key}: {{${name}}}`);
  });
}
