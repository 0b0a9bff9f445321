package io.gemtrack.producer.scenario;

/**
 * The running part of a {@link Scenario} on one host: its processes and buffers, advanced one action at a time.
 * An action is a few kernel calls (a client shares a buffer, a job exits); it may do nothing when what it
 * wanted does not fit. Workloads of several scenarios share a host without touching each other's processes.
 */
public interface Workload {

    void step(Machine machine);
}
