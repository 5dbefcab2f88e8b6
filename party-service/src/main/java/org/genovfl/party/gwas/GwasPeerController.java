package org.genovfl.party.gwas;

import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.gwas.GwasWire.Preflight;
import org.genovfl.party.gwas.GwasWire.PreflightAccepted;
import org.genovfl.party.gwas.GwasWire.Received;
import org.genovfl.party.gwas.GwasWire.ScanFinished;
import org.genovfl.party.gwas.GwasWire.SetupAccepted;
import org.genovfl.party.security.PeerAuthentication;
import org.genovfl.vfl.gwas.GwasMessages.BlockResult;
import org.genovfl.vfl.gwas.GwasMessages.LabReady;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Peer API of GWAS at a hospital or lab. There is none at the coordinator: it pulls what it
 * decrypts (a lab's {@code LabReady} and block results) as answers to its own calls, and no
 * party can push anything to it, least of all the encrypted null model, which goes from the
 * hospital to each lab directly. Protocol messages arrive as raw bytes and are read only
 * after {@link DataHolderGwas} checked the sender against the stored scan (setup, keys,
 * ready, blocks, finish: the scan's coordinator; null-model: its hospital).
 */
@RestController
@ConditionalOnExpression("!'${genovfl.role:}'.equalsIgnoreCase('COORDINATOR')")
class GwasPeerController {

    private final DataHolderGwas gwas;
    private final PartyProperties properties;

    GwasPeerController(DataHolderGwas gwas, PartyProperties properties) {
        this.gwas = gwas;
        this.properties = properties;
    }

    @PostMapping("/peer/gwas/preflight")
    PreflightAccepted preflight(@RequestBody Preflight request, PeerAuthentication caller) {
        return gwas.preflight(caller.organisation(), request);
    }

    @PostMapping(path = "/peer/gwas/scans/{scanId}/setup", consumes = MediaType.APPLICATION_JSON_VALUE)
    SetupAccepted setup(@PathVariable UUID scanId, @RequestBody byte[] body, PeerAuthentication caller) {
        return gwas.setup(caller.organisation(), scanId, body);
    }

    /** The coordinator's {@code KeySetup}: the hospital answers once it delivered its encrypted null model to the labs. */
    @PostMapping(path = "/peer/gwas/scans/{scanId}/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
    Object keys(@PathVariable UUID scanId, @RequestBody byte[] body, PeerAuthentication caller) {
        return properties.role() == PartyRole.HOSPITAL ? gwas.hospitalKeys(caller.organisation(), scanId, body)
                : gwas.labKeys(caller.organisation(), scanId, body);
    }

    @PostMapping(path = "/peer/gwas/scans/{scanId}/null-model", consumes = MediaType.APPLICATION_JSON_VALUE)
    Received nullModel(@PathVariable UUID scanId, @RequestBody byte[] body, PeerAuthentication caller) {
        return gwas.nullModel(caller.organisation(), scanId, body);
    }

    @PostMapping("/peer/gwas/scans/{scanId}/ready")
    LabReady ready(@PathVariable UUID scanId, PeerAuthentication caller) {
        return gwas.ready(caller.organisation(), scanId);
    }

    @PostMapping(path = "/peer/gwas/scans/{scanId}/blocks", consumes = MediaType.APPLICATION_JSON_VALUE)
    BlockResult block(@PathVariable UUID scanId, @RequestBody byte[] body, PeerAuthentication caller) {
        return gwas.block(caller.organisation(), scanId, body);
    }

    @PostMapping("/peer/gwas/scans/{scanId}/finish")
    Received finish(@PathVariable UUID scanId, @RequestBody ScanFinished finished, PeerAuthentication caller) {
        return gwas.finish(caller.organisation(), scanId, finished);
    }
}
