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
  private readonly other: Map<number, number>[];
  private readonly fail: Int32Array;
  /** Gate literal indices ending at each node (own and via failure links): marked present. */
  private readonly outputs: number[][];
  /** Positional literal indices ending at each node: listed with their positions when asked. */
  private readonly positions: number[][];

  /** kinds[i]: bit 1 = gate (marked present; the default), bit 2 = positional. */
  constructor(literals: readonly string[], kinds?: Uint8Array) {
    this.literals = literals;
    const gotoAscii: number[][] = [[]];
    const other: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    const child = (node: number, c: number): number | undefined => (c < 128 ? gotoAscii[node]?.[c] : other[node]?.get(c));
    literals.forEach((lit, li) => {
      let node = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        let next = child(node, c);
        if (next === undefined) {
          next = gotoAscii.length;
          gotoAscii.push([]);
          other.push(new Map());
          own.push([]);
          if (c < 128) (gotoAscii[node] ?? [])[c] = next;
          else other[node]?.set(c, next);
        }
        node = next;
      }
      own[node]?.push(li);
    });
    const n = gotoAscii.length;
    const fail = new Int32Array(n);
    const ascii = n <= 0xffff ? new Uint16Array(n * 128) : new Int32Array(n * 128);
    const outputs: number[][] = own.map((o) => [...o]);
    // BFS: failure links, outputs, complete ASCII DFA.
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q] ?? 0;
      const fu = fail[u] ?? 0;
      for (let c = 0; c < 128; c++) {
        const v = gotoAscii[u]?.[c];
        if (v !== undefined) {
          fail[v] = u === 0 ? 0 : (ascii[fu * 128 + c] ?? 0);
          ascii[u * 128 + c] = v;
          queue.push(v);
        } else {
          ascii[u * 128 + c] = u === 0 ? 0 : (ascii[fu * 128 + c] ?? 0);
        }
      }
      for (const [c, v] of other[u] ?? []) {
        let f = fu;
        let t: number | undefined;
        if (u !== 0) {
          for (;;) {
            t = other[f]?.get(c);
            if (t !== undefined || f === 0) break;
            f = fail[f] ?? 0;
          }
        }
        fail[v] = u === 0 || t === undefined || t === v ? 0 : t;
        queue.push(v);
      }
      if (u !== 0) for (const o of outputs[fail[u] ?? 0] ?? []) outputs[u]?.push(o);
    }
    this.ascii = ascii;
    this.other = other;
    this.fail = fail;
    const kindOf = (o: number): number => kinds?.[o] ?? GATE;
    const none: number[] = [];
    this.outputs = outputs.map((o) => {
      const g = o.filter((x) => (kindOf(x) & GATE) !== 0);
      return g.length > 0 ? g : none;
    });
    this.positions = outputs.map((o) => {
      const p = o.filter((x) => (kindOf(x) & POSITIONAL) !== 0);
      return p.length > 0 ? p : none;
    });
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
          const t = this.other[node]?.get(c);
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
