package io.madbase.chaos;

import io.madbase.load.Workload;

/**
 * Load to run beside a scenario ({@code madbase chaos ... --load RATE}): madbase loadtest's
 * open-model generator through the gateway, so the report shows what the failover costs in latency
 * at that rate.
 */
public record LoadPlan(double rate, int connections, Workload workload) {}
