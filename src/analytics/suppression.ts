/**
 * Hides the small numbers of a table of counts, so that no group of fewer than 10 can be seen or
 * worked out (shared spec assessment.md, rule 9).
 *
 * A table is published with its cells, the total of each row, the total of each column and the
 * grand total. A reader knows every number shown, that a hidden one is a whole number of at least
 * 0 (every hidden number reads the same, "fewer than 10", so that nobody can tell which were hidden
 * for being small and which to protect a small one), and how the totals add up. The rule:
 *
 * 1. Primary: every number under 10 is hidden, 0 included ("nobody in this group said no" tells
 *    as much about a small group as a 3 does).
 * 2. Totals: the row totals form a line that adds up to the grand total, and so do the column
 *    totals. On such a line a hidden total can be worked out when it is the only one hidden, or
 *    when the hidden ones add up to 0; then the smallest shown total of the line is hidden too,
 *    until neither holds. Totals are decided from the totals alone, so tables that share totals
 *    (the checks per country, per level) hide the same ones; the next step never hides a total.
 * 3. Cells, the "subtraction" step: a hidden number can be worked out exactly when no loop can move
 *    it. A loop is a closed path through hidden numbers, turning alternately along a row and along
 *    a column (a total sits on its row and column too), along which one can add 1 to every second
 *    number and take 1 from the others without changing a shown number or making one negative.
 *    (The tables a reader cannot tell apart form a transportation polytope; a number is fixed in it
 *    exactly when no such cycle runs through it.) So, for every hidden number under 10 without a
 *    loop, the cheapest loop is found, a shown cell costing its value, and its shown cells are
 *    hidden: in a row where only one cell is hidden, that hides the next smallest of the row, and
 *    then as much of one column as it takes. Hiding more never breaks a loop, so one pass suffices.
 *
 * Each table is protected on its own numbers: a filtered view is a table of its own.
 */

export const THRESHOLD = 10;

export interface SuppressedTable {
  /** null where hidden */
  cells: Array<Array<number | null>>;
  rowTotals: Array<number | null>;
  columnTotals: Array<number | null>;
  total: number | null;
}

/** Suppresses a table of counts (at least one row and one column, all rows as long). */
export function suppress(values: number[][]): SuppressedTable {
  const grid = new Grid(values);
  grid.hideTotals();
  grid.hideCells();
  return grid.result();
}

/**
 * Which of a line's numbers to hide, given whether its total is shown: those under 10, then the
 * smallest others while a hidden one could be worked out from the total.
 */
export function protectLine(values: readonly number[], totalShown: boolean): boolean[] {
  const hidden = values.map((value) => value < THRESHOLD);
  const exposed = () => {
    const hiddenValues = values.filter((_, i) => hidden[i]);
    return totalShown && hiddenValues.length > 0 && (hiddenValues.length === 1 || sum(hiddenValues) === 0);
  };
  while (exposed()) {
    // There is always a shown one here: a shown total is at least 10, so a line whose numbers were
    // all hidden would have several, adding up to more than 0.
    const shown = values.map((value, i) => ({ value, i })).filter(({ i }) => !hidden[i]);
    hidden[shown.reduce((a, b) => (b.value < a.value ? b : a)).i] = true;
  }
  return hidden;
}

const sum = (numbers: readonly number[]) => numbers.reduce((a, b) => a + b, 0);

/**
 * The table with its totals as one (rows + 1) × (columns + 1) grid: the last row holds the column
 * totals, the last column the row totals, the corner the grand total. Each row and each column of
 * the grid is an equation; giving the totals a minus sign (the corner a plus) makes every one of
 * them "adds up to 0", which is what the loops of step 3 walk on.
 */
class Grid {
  private readonly n: number;
  private readonly m: number;
  private readonly value: number[][];
  private readonly hidden: boolean[][];

  constructor(cells: number[][]) {
    this.n = cells.length;
    this.m = cells[0]?.length ?? 0;
    if (this.n === 0 || this.m === 0 || cells.some((row) => row.length !== this.m)) throw new RangeError('suppress: a table needs rows of equal, non-zero length');
    if (cells.some((row) => row.some((v) => !Number.isInteger(v) || v < 0))) throw new RangeError('suppress: counts are whole numbers from 0');
    const rowTotals = cells.map(sum);
    const columnTotals = Array.from({ length: this.m }, (_, c) => sum(cells.map((row) => row[c]!)));
    this.value = [...cells.map((row, r) => [...row, rowTotals[r]!]), [...columnTotals, sum(rowTotals)]];
    this.hidden = this.value.map((row) => row.map((v) => v < THRESHOLD));
  }

  private isTotal(r: number, c: number): boolean {
    return r === this.n || c === this.m;
  }

  hideTotals(): void {
    const totalShown = !this.hidden[this.n]![this.m]!;
    const rows = protectLine(this.value.slice(0, this.n).map((row) => row[this.m]!), totalShown);
    rows.forEach((hide, r) => (this.hidden[r]![this.m] = hide));
    const columns = protectLine(this.value[this.n]!.slice(0, this.m), totalShown);
    columns.forEach((hide, c) => (this.hidden[this.n]![c] = hide));
  }

  hideCells(): void {
    const small: Array<[number, number]> = [];
    this.value.forEach((row, r) => row.forEach((v, c) => v < THRESHOLD && small.push([r, c])));
    small.sort(([r1, c1], [r2, c2]) => this.value[r1]![c1]! - this.value[r2]![c2]! || r1 - r2 || c1 - c2);
    for (const [r, c] of small) {
      const loop = this.cheapestLoop(r, c);
      // Step 2 leaves every hidden total a partner on its line, and every row and column has a
      // cell, so a loop can always be closed; if one could not, nothing may be published.
      if (!loop) throw new Error('suppress: no way to protect a small number');
      for (const [lr, lc] of loop) this.hidden[lr]![lc] = true;
    }
  }

  /**
   * Whether one can go along an entry in this direction (row to column: the signed value grows).
   * Growing a cell, or a total's signed value shrinking, is always possible; the other way needs
   * the number to be above 0.
   */
  private canMove(r: number, c: number, rowToColumn: boolean): boolean {
    const sign = this.isTotal(r, c) && !(r === this.n && c === this.m) ? -1 : 1;
    return (rowToColumn ? sign === 1 : sign === -1) || this.value[r]![c]! > 0;
  }

  /**
   * The cheapest loop through entry (r, c): the shown cells to hide (none when one exists already),
   * or undefined when no loop can be made without hiding a total.
   */
  private cheapestLoop(r: number, c: number): Array<[number, number]> | undefined {
    const ways = [
      ...(this.canMove(r, c, true) ? [this.cheapestPath({ column: c }, { row: r }, [r, c])] : []),
      ...(this.canMove(r, c, false) ? [this.cheapestPath({ row: r }, { column: c }, [r, c])] : []),
    ].filter((way) => way !== undefined);
    return ways.sort((a, b) => a.cost - b.cost)[0]?.cells;
  }

  /**
   * Dijkstra over the rows and columns of the grid: a hidden entry that can move this way costs
   * nothing, a shown cell its value, a shown total cannot be used. `skip` is the entry the loop
   * starts with.
   */
  private cheapestPath(
    from: { row: number } | { column: number },
    to: { row: number } | { column: number },
    skip: [number, number],
  ): { cost: number; cells: Array<[number, number]> } | undefined {
    const rows = this.n + 1;
    const nodes = rows + this.m + 1;
    const node = (end: { row: number } | { column: number }) => ('row' in end ? end.row : rows + end.column);
    const cost = new Array<number>(nodes).fill(Infinity);
    const via = new Array<[number, number] | undefined>(nodes);
    const previous = new Array<number>(nodes).fill(-1);
    const done = new Array<boolean>(nodes).fill(false);
    cost[node(from)] = 0;
    for (;;) {
      let u = -1;
      for (let v = 0; v < nodes; v++) if (!done[v] && cost[v]! < Infinity && (u < 0 || cost[v]! < cost[u]!)) u = v;
      if (u < 0) return undefined;
      if (u === node(to)) break;
      done[u] = true;
      const isRow = u < rows;
      for (let other = 0; other < (isRow ? this.m + 1 : rows); other++) {
        const [er, ec] = isRow ? [u, other] : [other, u - rows];
        if (er === skip[0] && ec === skip[1]) continue;
        const step = this.hidden[er]![ec]! ? (this.canMove(er, ec, isRow) ? 0 : Infinity) : this.isTotal(er, ec) ? Infinity : this.value[er]![ec]!;
        const v = isRow ? rows + other : other;
        if (cost[u]! + step < cost[v]!) {
          cost[v] = cost[u]! + step;
          via[v] = [er, ec];
          previous[v] = u;
        }
      }
    }
    const cells: Array<[number, number]> = [];
    for (let v = node(to); v !== node(from); v = previous[v]!) {
      const [er, ec] = via[v]!;
      if (!this.hidden[er]![ec]) cells.push([er, ec]);
    }
    return { cost: cost[node(to)]!, cells };
  }

  result(): SuppressedTable {
    const shown = (r: number, c: number) => (this.hidden[r]![c] ? null : this.value[r]![c]!);
    const range = (length: number) => Array.from({ length }, (_, i) => i);
    return {
      cells: range(this.n).map((r) => range(this.m).map((c) => shown(r, c))),
      rowTotals: range(this.n).map((r) => shown(r, this.m)),
      columnTotals: range(this.m).map((c) => shown(this.n, c)),
      total: shown(this.n, this.m),
    };
  }
}
