package io.madbase.stack;

/**
 * One member of the stack: a process (local driver) or a container (compose).
 *
 * @param role what it is
 * @param name its name in the stack: e1, pg1, haproxy, r1, s1, gw1, w1
 * @param index 1-based position among members of its role
 * @param host where others reach it: a loopback address (local) or a service name (compose)
 */
public record Member(Role role, String name, int index, String host) {}
