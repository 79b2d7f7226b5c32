// What a change to a VIP's AS set does to its new-flow table: per-AS bucket counts before and
// after, and how many buckets change hands. Buckets are what VPP reports per AS
// (lb_as_v2_details.num_buckets on master, "buckets:" in `show lb vips verbose`), so these
// numbers can be shown before a change and checked against VPP after it.

import { addressIdentity, ip46FromText } from './address.js';
import { buildTable, NO_AS } from './table.js';
import type { Generation, MaglevAs } from './table.js';

/** How many buckets point at each of n ASes (buckets marked NO_AS are not counted). */
export function bucketCounts(table: Int32Array, n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < table.length; i++) {
    const owner = table[i] as number;
    if (owner >= 0 && owner < n) counts[owner] = (counts[owner] ?? 0) + 1;
  }
  return counts;
}

/** One AS in a prediction; an AS absent on one side has weight undefined there. */
export interface AsBucketChange {
  /** The address as the caller wrote it (first spelling seen, before-list first). */
  address: string;
  weightBefore: number | undefined;
  weightAfter: number | undefined;
  bucketsBefore: number;
  bucketsAfter: number;
  /** Buckets this AS holds after that it did not hold before. */
  gained: number;
  /** Buckets this AS held before that now point elsewhere (or nowhere). */
  lost: number;
}

export interface MaglevPrediction {
  generation: Generation;
  length: number;
  /** Every AS of either list: the before-list order, then ASes new in the after-list. */
  ases: AsBucketChange[];
  /** Buckets whose AS changed (an AS moving to or from "no AS" counts; none → none does not). */
  moved: number;
  /** moved / length. */
  movedFraction: number;
  /** Buckets with no AS, before and after (the whole table when no AS is in use). */
  emptyBefore: number;
  emptyAfter: number;
  /** The two tables, bucket → index into the before and after lists respectively. */
  tables: { before: Int32Array; after: Int32Array };
}

/**
 * Predicts the effect of going from `before` to `after` on a VIP with a table of `length`
 * buckets. ASes are matched by address (as VPP does: 16 address bytes), not by position.
 * Throws like buildTable for bad input.
 */
export function predict(
  generation: Generation,
  before: readonly MaglevAs[],
  after: readonly MaglevAs[],
  length: number,
): MaglevPrediction {
  const beforeTable = buildTable(generation, before, length);
  const afterTable = buildTable(generation, after, length);

  // Give every distinct address one slot; map both lists' indexes onto the slots.
  const slotOf = new Map<string, number>();
  const ases: AsBucketChange[] = [];
  const slotsFor = (list: readonly MaglevAs[], side: 'before' | 'after'): Int32Array => {
    const slots = new Int32Array(list.length);
    list.forEach((as, i) => {
      const identity = addressIdentity(ip46FromText(as.address));
      let slot = slotOf.get(identity);
      if (slot === undefined) {
        slot = ases.length;
        slotOf.set(identity, slot);
        ases.push({
          address: as.address,
          weightBefore: undefined,
          weightAfter: undefined,
          bucketsBefore: 0,
          bucketsAfter: 0,
          gained: 0,
          lost: 0,
        });
      }
      const entry = ases[slot] as AsBucketChange;
      if (side === 'before') entry.weightBefore = as.weight;
      else entry.weightAfter = as.weight;
      slots[i] = slot;
    });
    return slots;
  };
  const beforeSlots = slotsFor(before, 'before');
  const afterSlots = slotsFor(after, 'after');

  let moved = 0;
  let emptyBefore = 0;
  let emptyAfter = 0;
  for (let i = 0; i < length; i++) {
    const b = beforeTable[i] as number;
    const a = afterTable[i] as number;
    const bSlot = b === NO_AS ? -1 : (beforeSlots[b] as number);
    const aSlot = a === NO_AS ? -1 : (afterSlots[a] as number);
    if (bSlot < 0) emptyBefore++;
    else (ases[bSlot] as AsBucketChange).bucketsBefore++;
    if (aSlot < 0) emptyAfter++;
    else (ases[aSlot] as AsBucketChange).bucketsAfter++;
    if (bSlot !== aSlot) {
      moved++;
      if (bSlot >= 0) (ases[bSlot] as AsBucketChange).lost++;
      if (aSlot >= 0) (ases[aSlot] as AsBucketChange).gained++;
    }
  }

  return {
    generation,
    length,
    ases,
    moved,
    movedFraction: moved / length,
    emptyBefore,
    emptyAfter,
    tables: { before: beforeTable, after: afterTable },
  };
}
