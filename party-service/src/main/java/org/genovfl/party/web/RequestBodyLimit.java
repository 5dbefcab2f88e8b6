package org.genovfl.party.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.genovfl.party.config.UploadLimits;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps the body of every {@code /api/**} request: imports of documents (FHIR, CSV, Genomics
 * Reporting) at {@code genovfl.limits.max-document-size}, other commands at
 * {@code max-request-size}; multipart uploads stream to disk under Spring's multipart limits
 * instead. The cap is checked as the body is read, i.e. after authentication and
 * authorisation, so a person without the role gets 403 whatever the size; a larger declared
 * Content-Length is refused at the first read, a chunked body once it passes the cap.
 * Either way {@link RequestTooLarge} becomes a 413 problem ({@link RequestProblemsAdvice}).
 * The peer API is not capped here: its callers are authenticated parties whose protocol
 * messages (ciphertexts) can be large.
 */
@Component
class RequestBodyLimit extends OncePerRequestFilter {

    static final Set<String> DOCUMENT_IMPORTS = Set.of("/api/ingest/fhir", "/api/ingest/csv",
            "/api/ingest/genomics-reporting", "/api/audit/artifact-verifications");

    private final UploadLimits limits;

    RequestBodyLimit(UploadLimits limits) {
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String contentType = request.getContentType();
        return !request.getRequestURI().startsWith("/api/")
                || (contentType != null && contentType.toLowerCase().startsWith(MediaType.MULTIPART_FORM_DATA_VALUE));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean document = DOCUMENT_IMPORTS.contains(request.getRequestURI());
        long cap = (document ? limits.maxDocumentSize() : limits.maxRequestSize()).toBytes();
        String setting = document ? "genovfl.limits.max-document-size" : "genovfl.limits.max-request-size";
        chain.doFilter(new Capped(request, cap, setting), response);
    }

    /** The body was larger than the cap for its endpoint. */
    static final class RequestTooLarge extends IOException {
        final long cap;
        final String setting;

        RequestTooLarge(long cap, String setting) {
            super("the request body is larger than " + cap + " bytes (" + setting + ")");
            this.cap = cap;
            this.setting = setting;
        }
    }

    private static final class Capped extends HttpServletRequestWrapper {
        private final long cap;
        private final String setting;
        private ServletInputStream stream;

        Capped(HttpServletRequest request, long cap, String setting) {
            super(request);
            this.cap = cap;
            this.setting = setting;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CappedStream(super.getInputStream(), getContentLengthLong());
            }
            return stream;
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding()));
        }

        private final class CappedStream extends ServletInputStream {
            private final ServletInputStream in;
            private final long declared;
            private long read;

            CappedStream(ServletInputStream in, long declared) {
                this.in = in;
                this.declared = declared;
            }

            private void check(long more) throws RequestTooLarge {
                read += more;
                if (declared > cap || read > cap) {
                    throw new RequestTooLarge(cap, setting);
                }
            }

            @Override
            public int read() throws IOException {
                check(0);
                int b = in.read();
                check(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                check(0);
                int n = in.read(buffer, offset, length);
                check(Math.max(n, 0));
                return n;
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        }
    }
}
