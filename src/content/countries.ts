import Fuse from 'fuse.js';
import type { Content } from './load.js';
import { normalize } from './normalize.js';

/**
 * Finds the country a person typed, in any language or spelling ("Deutschland", "алмания",
 * "ايطاليا"), among the countries that have a services file. Returns its code, or undefined.
 */
export class CountryMatcher {
  private readonly exact = new Map<string, string>();
  private readonly fuzzy: Fuse<{ code: string; name: string }>;

  constructor(content: Content) {
    const entries: Array<{ code: string; name: string }> = [];
    for (const country of content.countries.values()) {
      if (country.country === 'INT') continue;
      for (const name of [country.country, ...Object.values(country.names), ...country.aliases]) {
        const normalized = normalize(name);
        if (!normalized) continue;
        this.exact.set(normalized, country.country);
        entries.push({ code: country.country, name: normalized });
      }
    }
    this.fuzzy = new Fuse(entries, { keys: ['name'], threshold: 0.3, includeScore: true, ignoreLocation: true });
  }

  match(text: string): string | undefined {
    const normalized = normalize(text);
    if (!normalized || normalized.length > 60) return undefined;
    const exact = this.exact.get(normalized);
    if (exact) return exact;
    // "I am in Italy", "в германии": any word (or pair of words) that names a country.
    const words = normalized.split(' ');
    for (let size = 2; size >= 1; size--) {
      for (let i = 0; i + size <= words.length; i++) {
        const found = this.exact.get(words.slice(i, i + size).join(' '));
        if (found) return found;
      }
    }
    const best = this.fuzzy.search(normalized, { limit: 1 })[0];
    if (best && (best.score ?? 1) <= 0.3 && normalized.length >= 3) return best.item.code;
    for (const word of words.filter((w) => w.length >= 4)) {
      const hit = this.fuzzy.search(word, { limit: 1 })[0];
      if (hit && (hit.score ?? 1) <= 0.25) return hit.item.code;
    }
    return undefined;
  }
}
