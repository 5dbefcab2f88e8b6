package org.genovfl.party.files;

import jakarta.servlet.MultipartConfigElement;
import java.nio.file.Path;
import org.genovfl.party.config.PartyProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.web.servlet.MultipartProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The party's directories ({@link PartyDataDirectory}) and where the servlet container spools
 * multipart uploads: the private upload directory, with Spring Boot's size settings
 * ({@code spring.servlet.multipart.*}) otherwise unchanged.
 */
@Configuration(proxyBeanMethods = false)
class PartyFilesConfiguration {

    @Bean
    PartyDataDirectory partyDataDirectory(PartyProperties properties,
            @Value("${genovfl.upload-directory:}") String uploadDirectory) {
        Path root = properties.dataDirectory();
        return PartyDataDirectory.prepare(root,
                StringUtils.hasText(uploadDirectory) ? Path.of(uploadDirectory) : root.resolve("uploads"));
    }

    @Bean
    MultipartConfigElement multipartConfigElement(MultipartProperties multipart, PartyDataDirectory directories) {
        MultipartConfigElement configured = multipart.createMultipartConfig();
        return new MultipartConfigElement(directories.uploads().toString(), configured.getMaxFileSize(),
                configured.getMaxRequestSize(), configured.getFileSizeThreshold());
    }
}
