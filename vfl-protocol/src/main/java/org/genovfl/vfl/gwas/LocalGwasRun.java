package org.genovfl.vfl.gwas;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;
import org.genovfl.vfl.gwas.GwasMessages.RunId;

/**
 * Runs a scan in one process: the hospital, the labs and the coordinator as their
 * {@link GwasParticipant} state machines, exchanging the message records through a FIFO
 * queue in the order a transport would deliver them. It counts each party's payload bytes
 * sent and received, and is the reference order of messages for the party service.
 */
public final class LocalGwasRun {

    /** Payload bytes and message counts per party, and the wall time each spent handling messages. */
    public record Traffic(Map<String, Long> sentBytes, Map<String, Long> receivedBytes, Map<String, Integer> messages,
            Map<String, Long> busyNanos) {
    }

    /** The released results and what moved. */
    public record Outcome(GwasResults results, Traffic traffic) {
    }

    /** One lab's genotypes as it would hold them. */
    public record LabInput(String name, LabGenotypes genotypes, int ancestryComponents) {
    }

    private LocalGwasRun() {
    }

    /**
     * @param trait the outcome's type
     * @param outcome the hospital's y, aligned with the labs' patients
     * @param covariates the hospital's clinical covariates (no intercept)
     * @param labs each lab's genotypes
     * @param filter the project's quality filters (the release rule's allele count is added)
     */
    public static Outcome run(RunId run, Trait trait, double[] outcome, double[][] covariates, List<LabInput> labs,
            VariantFilter filter, ReleaseRules rules) {
        NullModel model = NullModel.fit(trait, outcome, covariates);
        List<GwasParticipant> parties = new ArrayList<>();
        try {
            parties.add(new GwasCoordinator(run, rules));
            parties.add(new GwasHospital(run, model, labs.stream().map(LabInput::name).toList()));
            for (LabInput lab : labs) {
                LabGenotypes.Prepared prepared = lab.genotypes().prepare(filter.and(rules.labFilter()),
                        lab.ancestryComponents());
                parties.add(new GwasLab(lab.name(), run, prepared, lab.genotypes().variants().size() - prepared.size()));
            }
            Traffic traffic = exchange(parties);
            return new Outcome(((GwasCoordinator) parties.get(0)).results(), traffic);
        } finally {
            parties.forEach(GwasParticipant::close);
        }
    }

    /** Delivers messages until every party is done; returns the traffic. */
    public static Traffic exchange(List<GwasParticipant> parties) {
        Map<String, GwasParticipant> byName = new LinkedHashMap<>();
        parties.forEach(p -> byName.put(p.name(), p));
        Map<String, Long> sent = new LinkedHashMap<>();
        Map<String, Long> received = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Long> busy = new LinkedHashMap<>();
        Deque<GwasMessage> queue = new ArrayDeque<>();
        parties.forEach(p -> queue.addAll(p.start()));
        while (!queue.isEmpty()) {
            GwasMessage message = queue.poll();
            GwasParticipant recipient = byName.get(message.to());
            if (recipient == null) {
                throw new IllegalArgumentException("no party named " + message.to());
            }
            sent.merge(message.from(), message.payloadBytes(), Long::sum);
            received.merge(message.to(), message.payloadBytes(), Long::sum);
            counts.merge(message.from(), 1, Integer::sum);
            long start = System.nanoTime();
            queue.addAll(recipient.receive(message));
            busy.merge(recipient.name(), System.nanoTime() - start, Long::sum);
        }
        for (GwasParticipant p : parties) {
            if (p.phase() != GwasParticipant.Phase.DONE) {
                throw new IllegalStateException(p.name() + " stopped in phase " + p.phase() + " with no message left");
            }
        }
        return new Traffic(sent, received, counts, busy);
    }
}
