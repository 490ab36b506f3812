package io.madbase.chaos;

import java.util.Optional;
import java.util.function.Function;

/**
 * One phase a fault leads to: how to recognise it among the observations, and when the settings say
 * it should come.
 *
 * @param id stable name (json, junit): leader_key_gone, new_leader_key, ...
 * @param label what a person reads: "leader key gone"
 * @param source where it is observed from: etcd watch, Patroni REST, HAProxy stats, probe, ...
 * @param required whether recovery waits for it (an optional phase may not happen at all)
 * @param find finds the phase's time (nanos on the run clock) in what has been observed so far
 * @param predicted the window the settings predict, in seconds after the fault
 */
public record PhaseSpec(
    String id,
    String label,
    String source,
    boolean required,
    Function<Observed, Optional<Long>> find,
    Bound predicted) {}
