package org.genovfl.party;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The GenoVFL party service. One binary; {@code genovfl.role} makes it a hospital, a lab
 * or a coordinator.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PartyServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PartyServiceApplication.class, args);
    }
}
