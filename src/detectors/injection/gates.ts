// One combined pass for the rules' gate literals (Aho-Corasick): instead of one String#includes per
// literal per rule (dozens of full scans of a long text), the normalized text is scanned once and
// every literal present is marked. ASCII transitions use a dense table (a DFA); other characters
// (CJK gate literals) follow failure links through a small map. Linear in the text length.
// Literals can also be positional (rules' start literals, anchors.ts): their occurrences are listed
// on request, and a literal that is only positional is never marked present.

export class LiteralSet {
  readonly literals: readonly string[];
  /** ascii[node * 128 + c] = next node (complete DFA over ASCII; 16-bit entries while the nodes fit). */
  private readonly ascii: Uint16Array | Int32Array;
  /** Goto edges on other code units, keyed node * 0x10000 + code unit (one Map: few such edges). */
  private readonly other: Map<number, number>;
  private readonly fail: Int32Array;
  /** Gate literal indices ending at each node (own and via failure links): marked present. */
  private readonly outputs: readonly (readonly number[])[];
  /** Positional literal indices ending at each node: listed with their positions when asked. */
  private readonly positions: readonly (readonly number[])[];

  /** kinds[i]: bit 1 = gate (marked present; the default), bit 2 = positional. */
  constructor(literals: readonly string[], kinds?: Uint8Array) {
    this.literals = literals;
    // The trie, built in flat structures (a table per node or a Map per node costs megabytes of
    // short-lived heap for a thousand literals): ASCII edges in a table sized for one node per
    // literal character, other code units in one Map, outputs only where a literal ends.
    let bound = 1;
    for (const lit of literals) bound += lit.length;
    const trie = new Int32Array(bound * 128); // 0 = no edge (the root is nobody's child)
    const other = new Map<number, number>();
    const otherKids = new Map<number, number[]>();
    const own = new Map<number, number[]>();
    let n = 1;
    literals.forEach((lit, li) => {
      let node = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        let next = c < 128 ? trie[node * 128 + c]! : (other.get(node * 0x10000 + c) ?? 0);
        if (next === 0) {
          next = n++;
          if (c < 128) trie[node * 128 + c] = next;
          else {
            other.set(node * 0x10000 + c, next);
            const kids = otherKids.get(node);
            if (kids === undefined) otherKids.set(node, [c]);
            else kids.push(c);
          }
        }
        node = next;
      }
      const o = own.get(node);
      if (o === undefined) own.set(node, [li]);
      else o.push(li);
    });
    const fail = new Int32Array(n);
    const ascii = n <= 0xffff ? new Uint16Array(n * 128) : new Int32Array(n * 128);
    const none: readonly number[] = [];
    const outputs: (readonly number[])[] = new Array<readonly number[]>(n).fill(none);
    // BFS: failure links, outputs, complete ASCII DFA.
    const queue = new Int32Array(n);
    let tail = 1;
    for (let q = 0; q < tail; q++) {
      const u = queue[q]!;
      const fu = fail[u]!;
      for (let c = 0; c < 128; c++) {
        const v = trie[u * 128 + c]!;
        if (v !== 0) {
          fail[v] = u === 0 ? 0 : ascii[fu * 128 + c]!;
          ascii[u * 128 + c] = v;
          queue[tail++] = v;
        } else {
          ascii[u * 128 + c] = u === 0 ? 0 : ascii[fu * 128 + c]!;
        }
      }
      for (const c of otherKids.get(u) ?? none) {
        const v = other.get(u * 0x10000 + c)!;
        let f = fu;
        let t: number | undefined;
        if (u !== 0) {
          for (;;) {
            t = other.get(f * 0x10000 + c);
            if (t !== undefined || f === 0) break;
            f = fail[f]!;
          }
        }
        fail[v] = u === 0 || t === undefined || t === v ? 0 : t;
        queue[tail++] = v;
      }
      const mine = own.get(u) ?? none;
      const inherited = u === 0 ? none : outputs[fu]!;
      if (mine.length > 0 || inherited.length > 0) outputs[u] = inherited.length === 0 ? mine : mine.length === 0 ? inherited : [...mine, ...inherited];
    }
    this.ascii = ascii;
    this.other = other;
    this.fail = fail;
    const kindOf = (o: number): number => kinds?.[o] ?? GATE;
    const split = (bit: number): (readonly number[])[] => {
      const memo = new Map<readonly number[], readonly number[]>(); // nodes share inherited lists
      return outputs.map((o) => {
        if (o.length === 0) return none;
        let r = memo.get(o);
        if (r === undefined) {
          const f = o.filter((x) => (kindOf(x) & bit) !== 0);
          r = f.length > 0 ? f : none;
          memo.set(o, r);
        }
        return r;
      });
    };
    this.outputs = split(GATE);
    this.positions = split(POSITIONAL);
  }

  /**
   * Marks present[i] = 1 for every gate literal i that occurs in text (present is cleared first).
   * With `hits`, also lists every occurrence of the positional literals: the pairs (literal index,
   * index of its last character) are appended to hits in text order of their ends, at most
   * `maxHits` of them (then listing stops; the caller treats the list as incomplete).
   */
  scan(text: string, present: Uint8Array, hits?: number[], maxHits = Number.POSITIVE_INFINITY): void {
    const maxLength = 2 * maxHits;
    present.fill(0);
    const ascii = this.ascii;
    const outputs = this.outputs;
    const positions = this.positions;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        node = ascii[node * 128 + c] ?? 0;
      } else {
        for (;;) {
          const t = this.other.get(node * 0x10000 + c);
          if (t !== undefined) {
            node = t;
            break;
          }
          if (node === 0) break;
          node = this.fail[node] ?? 0;
        }
      }
      const out = outputs[node]!;
      for (let k = 0; k < out.length; k++) present[out[k]!] = 1;
      if (hits !== undefined) {
        const pos = positions[node]!;
        for (let k = 0; k < pos.length && hits.length < maxLength; k++) hits.push(pos[k]!, i);
      }
    }
  }
}

/** Literal kinds for the LiteralSet constructor. */
export const GATE = 1;
export const POSITIONAL = 2;
