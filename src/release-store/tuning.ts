// Development knobs (not inputs): the tests shorten the lock's waits through FLOW_LOCK_POLL_MS,
// FLOW_LOCK_WAIT_MS, FLOW_LOCK_STALE_MS and FLOW_LOCK_STARTER_GRACE_MS.
export function lockTuning(env: Record<string, string | undefined>): {
  pollMs?: number;
  waitMs?: number;
  staleMs?: number;
  starterGraceMs?: number;
} {
  const n = (name: string) =>
    env[name] !== undefined && /^\d+$/.test(env[name]!) ? Number(env[name]) : undefined;
  const out: { pollMs?: number; waitMs?: number; staleMs?: number; starterGraceMs?: number } = {};
  const poll = n('FLOW_LOCK_POLL_MS');
  const wait = n('FLOW_LOCK_WAIT_MS');
  const stale = n('FLOW_LOCK_STALE_MS');
  const grace = n('FLOW_LOCK_STARTER_GRACE_MS');
  if (poll !== undefined) out.pollMs = poll;
  if (wait !== undefined) out.waitMs = wait;
  if (stale !== undefined) out.staleMs = stale;
  if (grace !== undefined) out.starterGraceMs = grace;
  return out;
}
