// How long each fault lasts. The defaults are the (vCenter frozen 60 s, the OpenFaaS
// gateway down 5 min); CHAOS_QUICK=1 shortens every fault for a run of a few minutes that still
// goes through every code path once.
export const quick = process.env.CHAOS_QUICK === '1';

export const durations = {
  /** kill -9 of the router under load. */
  routerKills: quick ? 6 : 20,
  vcenterFreezeMs: quick ? 5_000 : 60_000,
  gatewayOutageMs: quick ? 10_000 : 300_000,
  networkDropMs: quick ? 5_000 : 30_000,
  /** Longer than the router's 60 s SOAP call timeout by default, so the timeout is what ends
   * the wait; the quick run only proves the stall heals. */
  networkStallMs: quick ? 5_000 : 75_000,
  /** 500s, slow answers, a hanging function, throttling, partial failures. */
  faultPhaseMs: quick ? 5_000 : 20_000,
  /** Bound on waiting for every event to arrive once the fault is over. */
  drainTimeoutMs: quick ? 120_000 : 240_000,
};
