import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectLine, suppress, THRESHOLD, type SuppressedTable } from '../../src/analytics/suppression.js';

/**
 * The published table as a reader sees it: the (rows + 1) × (columns + 1) grid of cells, row totals
 * (last column), column totals (last row) and the grand total, with null where hidden.
 */
function published(table: SuppressedTable): Array<Array<number | null>> {
  return [...table.cells.map((row, r) => [...row, table.rowTotals[r]!]), [...table.columnTotals, table.total]];
}

function truth(cells: number[][]): number[][] {
  const sum = (numbers: number[]) => numbers.reduce((a, b) => a + b, 0);
  const columns = cells[0]!.map((_, c) => sum(cells.map((row) => row[c]!)));
  return [...cells.map((row) => [...row, sum(row)]), [...columns, sum(columns)]];
}

/** Every line of the grid as "these entries add up to that one". */
function lines(rows: number, columns: number): Array<{ parts: Array<[number, number]>; total: [number, number] }> {
  const range = (length: number) => Array.from({ length }, (_, i) => i);
  return [
    ...range(rows + 1).map((r) => ({ parts: range(columns).map((c): [number, number] => [r, c]), total: [r, columns] as [number, number] })),
    ...range(columns + 1).map((c) => ({ parts: range(rows).map((r): [number, number] => [r, c]), total: [rows, c] as [number, number] })),
  ];
}

/**
 * The reader's first attack: every subtraction of shown numbers. A line with one number unknown
 * gives it away; a line whose unknown parts must add up to 0 gives them all away (none can be
 * negative). Whatever is found is used again, until nothing more comes out.
 */
function subtract(grid: Array<Array<number | null>>): Array<Array<number | null>> {
  const known = grid.map((row) => [...row]);
  const rows = known.length - 1;
  const columns = known[0]!.length - 1;
  for (let progress = true; progress; ) {
    progress = false;
    for (const { parts, total } of lines(rows, columns)) {
      const at = ([r, c]: [number, number]) => known[r]![c]!;
      const unknownParts = parts.filter((p) => at(p) === null);
      const knownSum = parts.filter((p) => at(p) !== null).reduce((s, p) => s + at(p)!, 0);
      const set = ([r, c]: [number, number], value: number) => {
        known[r]![c] = value;
        progress = true;
      };
      if (at(total) === null && unknownParts.length === 0) set(total, knownSum);
      else if (at(total) !== null && unknownParts.length === 1) set(unknownParts[0]!, at(total)! - knownSum);
      else if (at(total) !== null && unknownParts.length > 1 && at(total)! - knownSum === 0) for (const p of unknownParts) set(p, 0);
    }
  }
  return known;
}

/**
 * Maximises c·x subject to A·x = b and x ≥ 0: a plain two-phase simplex with Bland's rule, small
 * and slow, written for this test only. Undefined when unbounded.
 */
function maximise(A: number[][], b: number[], c: number[]): number | undefined {
  const EPS = 1e-9;
  const rows = A.length;
  const vars = c.length;
  // Phase 1 tableau: the variables, one artificial per row, then the right-hand side.
  const t = A.map((row, i) => {
    const sign = b[i]! < 0 ? -1 : 1;
    return [...row.map((v) => v * sign), ...Array.from({ length: rows }, (_, j) => (j === i ? 1 : 0)), b[i]! * sign];
  });
  const basis = Array.from({ length: rows }, (_, i) => vars + i);
  const width = vars + rows;
  const pivot = (r: number, col: number) => {
    const p = t[r]![col]!;
    t[r] = t[r]!.map((v) => v / p);
    for (let i = 0; i < rows; i++) if (i !== r && Math.abs(t[i]![col]!) > EPS) t[i] = t[i]!.map((v, j) => v - t[i]![col]! * t[r]![j]!);
    basis[r] = col;
  };
  /** Runs the simplex on `cost` (to maximise) over the allowed columns; false when unbounded. */
  const run = (cost: number[], allowed: (col: number) => boolean): boolean => {
    for (;;) {
      const reduced = (col: number) => cost[col]! - basis.reduce((s, bcol, i) => s + cost[bcol]! * t[i]![col]!, 0);
      const entering = Array.from({ length: width }, (_, col) => col).find((col) => allowed(col) && !basis.includes(col) && reduced(col) > EPS);
      if (entering === undefined) return true;
      let leave = -1;
      for (let i = 0; i < rows; i++) {
        if (t[i]![entering]! <= EPS) continue;
        const ratio = t[i]![width]! / t[i]![entering]!;
        const best = leave < 0 ? Infinity : t[leave]![width]! / t[leave]![entering]!;
        if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[leave]!)) leave = i;
      }
      if (leave < 0) return false;
      pivot(leave, entering);
    }
  };
  run(Array.from({ length: width }, (_, col) => (col < vars ? 0 : -1)), () => true);
  const infeasibility = basis.reduce((s, col, i) => s + (col >= vars ? t[i]![width]! : 0), 0);
  if (infeasibility > 1e-6) throw new Error('the published table has no solution at all');
  // Artificials still in the basis sit at 0: swap them for a real column, or leave a redundant row.
  basis.forEach((col, i) => {
    if (col < vars) return;
    const real = Array.from({ length: vars }, (_, j) => j).find((j) => Math.abs(t[i]![j]!) > EPS);
    if (real !== undefined) pivot(i, real);
  });
  const cost = [...c, ...Array<number>(rows).fill(0)];
  if (!run(cost, (col) => col < vars)) return undefined;
  return basis.reduce((s, col, i) => s + cost[col]! * t[i]![width]!, 0);
}

/**
 * The reader's strongest attack: the least and the most a hidden number can be in any table of
 * numbers from 0 that shows the same. (The lines of a table with totals form a totally unimodular
 * system, so both ends are whole numbers and every number between them is possible: the number is
 * given away exactly when they meet.)
 */
function pinned(grid: Array<Array<number | null>>, [r, c]: [number, number]): boolean {
  const rows = grid.length - 1;
  const columns = grid[0]!.length - 1;
  const unknowns: Array<[number, number]> = [];
  grid.forEach((row, gr) => row.forEach((v, gc) => v === null && unknowns.push([gr, gc])));
  const index = (p: [number, number]) => unknowns.findIndex(([ur, uc]) => ur === p[0] && uc === p[1]);
  const A: number[][] = [];
  const b: number[] = [];
  for (const { parts, total } of lines(rows, columns)) {
    const row = Array<number>(unknowns.length).fill(0);
    let constant = 0;
    for (const [p, sign] of [...parts.map((part) => [part, 1] as const), [total, -1] as const]) {
      const v = grid[p[0]]![p[1]]!;
      if (v === null) row[index(p)] = sign;
      else constant -= sign * v;
    }
    if (row.some((v) => v !== 0)) {
      A.push(row);
      b.push(constant);
    }
  }
  const target = index([r, c]);
  const objective = (sign: number) => unknowns.map((_, i) => (i === target ? sign : 0));
  const most = maximise(A, b, objective(1));
  const least = maximise(A, b, objective(-1));
  return most !== undefined && least !== undefined && Math.abs(most + least) < 1e-6;
}

/** Checks a suppressed table against both attacks; returns what the attacks recovered under 10. */
function attack(cells: number[][], grid = published(suppress(cells))): { bySubtraction: string[]; byAnyOtherTable: string[]; shownSmall: string[] } {
  const real = truth(cells);
  const recovered = subtract(grid);
  const bySubtraction: string[] = [];
  const byAnyOtherTable: string[] = [];
  const shownSmall: string[] = [];
  grid.forEach((row, r) =>
    row.forEach((shown, c) => {
      const value = real[r]![c]!;
      if (shown !== null) {
        expect(shown).toBe(value);
        if (value < THRESHOLD) shownSmall.push(`${r},${c}=${value}`);
        return;
      }
      if (value >= THRESHOLD) return;
      if (recovered[r]![c] !== null) bySubtraction.push(`${r},${c}=${value}`);
      if (pinned(grid, [r, c])) byAnyOtherTable.push(`${r},${c}=${value}`);
    }),
  );
  return { bySubtraction, byAnyOtherTable, shownSmall };
}

const H = null;

describe('protectLine', () => {
  it.each<[string, number[], boolean, boolean[]]>([
    ['nothing small: nothing hidden', [12, 30, 10], true, [false, false, false]],
    ['one small with its total shown: the next smallest goes too', [12, 3, 30, 11], true, [false, true, false, true]],
    ['two small: enough', [4, 30, 5], true, [true, false, true]],
    ['small ones adding up to 0 would be given away: one more', [0, 0, 25, 14], true, [true, true, false, true]],
    ['a 0 and a 3: they may be 1 and 2 as well', [0, 3, 25], true, [true, true, false]],
    ['total hidden: only the small ones', [3, 4], false, [true, true]],
  ])('%s', (_case, values, totalShown, expected) => {
    expect(protectLine(values, totalShown)).toEqual(expected);
  });
});

describe('suppress', () => {
  it.each<[string, number[][], SuppressedTable]>([
    [
      'nothing small: everything shown',
      [
        [10, 20],
        [30, 40],
      ],
      { cells: [[10, 20], [30, 40]], rowTotals: [30, 70], columnTotals: [40, 60], total: 100 },
    ],
    [
      'one small cell: the cheapest rectangle around it goes too, totals stay',
      [
        [3, 20, 11],
        [30, 40, 12],
        [25, 15, 50],
      ],
      { cells: [[H, 20, H], [H, 40, H], [25, 15, 50]], rowTotals: [34, 82, 90], columnTotals: [58, 75, 73], total: 206 },
    ],
    [
      'a small row: its cells and its total; another row total and cells so that it cannot be subtracted',
      [
        [2, 3],
        [30, 40],
        [20, 25],
      ],
      { cells: [[H, H], [30, 40], [H, H]], rowTotals: [H, 70, H], columnTotals: [52, 68], total: 120 },
    ],
    [
      'fewer than 10 in all: everything hidden',
      [
        [1, 2],
        [0, 3],
      ],
      { cells: [[H, H], [H, H]], rowTotals: [H, H], columnTotals: [H, H], total: H },
    ],
    [
      'one row (a filtered view): a small cell hides the next smallest cell and its column total',
      [[30, 12, 3, 15]],
      { cells: [[30, H, H, 15]], rowTotals: [60], columnTotals: [30, H, H, 15], total: 60 },
    ],
    [
      'zeros are small too: hidden beside a shown total, they would add up to nothing',
      [
        [0, 0, 12],
        [11, 14, 13],
      ],
      { cells: [[H, H, H], [H, H, H]], rowTotals: [12, 38], columnTotals: [11, 14, 25], total: 50 },
    ],
  ])('%s', (_case, cells, expected) => {
    expect(suppress(cells)).toEqual(expected);
    expect(attack(cells)).toEqual({ bySubtraction: [], byAnyOtherTable: [], shownSmall: [] });
  });

  it('refuses what is not a table of counts', () => {
    expect(() => suppress([])).toThrow(RangeError);
    expect(() => suppress([[1, 2], [3]])).toThrow(RangeError);
    expect(() => suppress([[1.5]])).toThrow(RangeError);
    expect(() => suppress([[-1]])).toThrow(RangeError);
  });

  it('the attacks find what hiding only the small numbers gives away', () => {
    const onlySmall = (cells: number[][]) => truth(cells).map((row) => row.map((v) => (v < THRESHOLD ? null : v)));
    // One hidden number in a row: a subtraction.
    const single = [[3, 20], [30, 40]];
    expect(attack(single, onlySmall(single)).bySubtraction).toEqual(['0,0=3']);
    // Two hidden in every line, so no single subtraction works, but a loop blocked by zeros at both
    // ends: moving any of them would make a 0 negative.
    const loop = [[0, 20, 5], [3, 6, 15], [12, 0, 4]];
    expect(attack(loop, onlySmall(loop))).toEqual({
      bySubtraction: [],
      byAnyOtherTable: ['0,0=0', '0,2=5', '1,0=3', '1,1=6', '2,1=0', '2,2=4'],
      shownSmall: [],
    });
  });

  it('never lets a reader recover a number under 10, by subtraction or by any other table that shows the same', () => {
    // Mostly small numbers and zeros, the hard case; a few large ones to be subtracted from.
    const count = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 9 }) }, { weight: 1, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 10, max: 30 }) });
    const table = fc.integer({ min: 1, max: 4 }).chain((rows) => fc.integer({ min: 1, max: 4 }).chain((columns) => fc.array(fc.array(count, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows })));
    fc.assert(
      fc.property(table, (cells) => {
        expect(attack(cells), JSON.stringify(cells)).toEqual({ bySubtraction: [], byAnyOtherTable: [], shownSmall: [] });
      }),
      { numRuns: 400, seed: 20_260_314 },
    );
  });
});
