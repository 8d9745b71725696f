import type { Call } from './api.js'

/**
 * A call's score as Future AGI's server stores it (future-agi/future-agi at 5dc9ff2):
 * - `overall_score` is the customer-satisfaction (CSAT) score, one of the choices "1" to "10" of
 *   the CSAT evaluator (`simulate/services/test_executor.py`, the CSAT block of the call's
 *   processing; `ee/voice/temporal/activities/voice_xl.py`, `calculate_voice_csat_score`;
 *   `simulate/utils/chat_simulation.py`, `_calculate_csat_score`; `simulate/tasks/alk_sim.py`);
 * - when that evaluation fails on a voice call, both voice paths store the provider's
 *   `successEvaluation` instead: "true" → 1.0, "false" → 0.0, a number as it is (on whatever
 *   scale the provider's rubric has). That is a pass/fail of the call's goal, not a satisfaction
 *   score, and the answer does not say which of the two a value is;
 * - `csat_score` (CallExecutionDetailSerializer.get_csat_score, from conversation_metrics_data) is
 *   written only by the CSAT evaluator (chat calls, `chat_simulation.py` `_aggregate_chat_metrics`;
 *   SDK voice calls, `alk_sim.py`): where it is a number, it is the satisfaction score.
 * So a score is judged only where it is on the 1–10 scale and cannot be the fallback. 0, a number
 * off the scale, and a 1 that no `csat_score` confirms (a satisfaction of 1, or a success
 * evaluation of "true": the answer cannot tell which) are shown with their value and not judged:
 * min-score must not fail a successful call for a fallback it cannot tell from a score (inferred
 * from the code above; Future AGI documents neither the scale nor the fallback).
 */

export interface CallScore {
  /** The satisfaction score, 1–10, judged by min-score and min-average-score. */
  score?: number
  /** What the call carries instead, shown beside it, never judged. */
  scoreNote?: string
}

const LOWEST = 1
const HIGHEST = 10

export function callScore(call: Pick<Call, 'overall_score' | 'csat_score'>): CallScore {
  if (typeof call.csat_score === 'number' && onScale(call.csat_score))
    return { score: call.csat_score }
  const overall = call.overall_score
  if (typeof overall !== 'number') return {}
  if (onScale(overall) && overall !== LOWEST) return { score: overall }
  if (overall === 0) return { scoreNote: '0: fallback (success evaluation false), not judged' }
  if (overall === LOWEST) return { scoreNote: '1: fallback or a score of 1, not judged' }
  return { scoreNote: `${overall}: not on the 1–10 scale, not judged` }
}

function onScale(value: number): boolean {
  return value >= LOWEST && value <= HIGHEST
}
