package io.madbase.chaos;

import io.madbase.load.Workload;
import java.time.Duration;

/**
 * Load to run beside a scenario ({@code madbase chaos ... --load RATE}): madbase loadtest's
 * open-model generator through the gateway, so the report shows what the failover costs in latency
 * at that rate.
 *
 * @param warmup how long the load runs before the fault: a fresh gateway needs seconds of JIT
 *     compilation before it keeps up (docs/BENCHMARKS.md), and a failover measured on a cold one
 *     would show the warm-up, not the failover
 */
public record LoadPlan(double rate, int connections, Workload workload, Duration warmup) {}
