package org.genovfl.vfl.gwas;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Manhattan and QQ plots of released results as PNG, drawn with Java2D (no plotting
 * library): only released statistics are drawn, so a plot reveals nothing the summary
 * statistics file does not.
 */
public final class GwasPlots {

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 500;
    private static final int MARGIN = 60;
    /** The conventional genome-wide significance line, p = 5e-8. */
    private static final double GENOME_WIDE = -Math.log10(5e-8);

    private GwasPlots() {
    }

    /** -log10 p against position, chromosomes side by side in alternating colours. */
    public static void manhattan(GwasResults results, Path png) {
        List<VariantResult> released = results.released();
        Map<String, long[]> extent = new LinkedHashMap<>();
        for (VariantResult r : released) {
            long position = r.variant().position();
            extent.merge(r.variant().chromosome(), new long[] {position, position},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Map<String, Double> offset = new LinkedHashMap<>();
        double total = 0;
        for (var e : extent.entrySet()) {
            offset.put(e.getKey(), total - e.getValue()[0]);
            total += Math.max(1, e.getValue()[1] - e.getValue()[0]);
        }
        double top = Math.max(GENOME_WIDE + 1, released.stream().mapToDouble(VariantResult::minusLog10P).max().orElse(1));
        BufferedImage image = canvas();
        Graphics2D g = axes(image, "position (" + String.join(", ", extent.keySet()) + ")", "-log10 p", top,
                String.format(Locale.ROOT, "Manhattan: %d variants, lambda_GC %.3f", released.size(), results.lambdaGc()));
        List<String> chromosomes = new ArrayList<>(extent.keySet());
        for (VariantResult r : released) {
            double x = (r.variant().position() + offset.get(r.variant().chromosome())) / total;
            g.setColor(chromosomes.indexOf(r.variant().chromosome()) % 2 == 0 ? new Color(31, 119, 180) : new Color(255, 127, 14));
            dot(g, x, r.minusLog10P() / top);
        }
        threshold(g, GENOME_WIDE / top);
        write(image, g, png);
    }

    /** Observed against expected -log10 p under the null, with the diagonal. */
    public static void qq(GwasResults results, Path png) {
        double[] observed = results.released().stream().mapToDouble(VariantResult::minusLog10P).sorted().toArray();
        int m = observed.length;
        double maxExpected = -Math.log10(0.5 / Math.max(1, m));
        double top = Math.max(maxExpected, m == 0 ? 1 : observed[m - 1]);
        BufferedImage image = canvas();
        Graphics2D g = axes(image, "expected -log10 p", "observed -log10 p", top,
                String.format(Locale.ROOT, "QQ: lambda_GC %.3f", results.lambdaGc()));
        g.setColor(Color.GRAY);
        g.drawLine(x(0), y(0), x(maxExpected / top), y(maxExpected / top));
        g.setColor(new Color(31, 119, 180));
        for (int i = 0; i < m; i++) {
            double expected = -Math.log10((m - i - 0.5) / m);
            dot(g, expected / top, observed[i] / top);
        }
        write(image, g, png);
    }

    private static BufferedImage canvas() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.dispose();
        return image;
    }

    private static Graphics2D axes(BufferedImage image, String xLabel, String yLabel, double top, String title) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawLine(x(0), y(0), x(1), y(0));
        g.drawLine(x(0), y(0), x(0), y(1));
        for (int tick = 0; tick <= (int) top; tick += Math.max(1, (int) top / 10)) {
            g.drawLine(x(0) - 4, y(tick / top), x(0), y(tick / top));
            g.drawString(Integer.toString(tick), x(0) - 30, y(tick / top) + 5);
        }
        g.drawString(title, MARGIN, MARGIN / 2);
        g.drawString(xLabel, WIDTH / 2 - 60, HEIGHT - 15);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -HEIGHT / 2 - 40, 18);
        g.rotate(Math.PI / 2);
        return g;
    }

    private static void threshold(Graphics2D g, double height) {
        g.setColor(Color.RED);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 6}, 0));
        g.drawLine(x(0), y(height), x(1), y(height));
    }

    private static void dot(Graphics2D g, double fx, double fy) {
        g.fillOval(x(fx) - 2, y(fy) - 2, 4, 4);
    }

    private static int x(double fraction) {
        return (int) Math.round(MARGIN + fraction * (WIDTH - 2 * MARGIN));
    }

    private static int y(double fraction) {
        return (int) Math.round(HEIGHT - MARGIN - fraction * (HEIGHT - 2 * MARGIN));
    }

    private static void write(BufferedImage image, Graphics2D g, Path png) {
        g.dispose();
        try {
            if (!ImageIO.write(image, "png", png.toFile())) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
