package dev.tollgate.server.console;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the console's QR codes back with ZXing, a decoder independent of the encoder the console
 * uses: from the SVG path it serves, drawn here, and from a browser's rendering of the page.
 */
final class QrDecoding {

    private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1h-(\\d+)z");
    private static final int SCALE = 6;

    private QrDecoding() {
    }

    /** Draws the served path (dark runs on white) as an image, {@code size} modules square. */
    static BufferedImage draw(int size, String path) {
        BufferedImage image = new BufferedImage(size * SCALE, size * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        Matcher run = RUN.matcher(path);
        int end = 0;
        while (run.find()) {
            if (run.start() != end || !run.group(3).equals(run.group(4))) {
                throw new AssertionError("not a path of module runs at " + end + ": " + path);
            }
            end = run.end();
            g.fillRect(Integer.parseInt(run.group(1)) * SCALE, Integer.parseInt(run.group(2)) * SCALE,
                    Integer.parseInt(run.group(3)) * SCALE, SCALE);
        }
        g.dispose();
        if (end != path.length()) {
            throw new AssertionError("not a path of module runs at " + end + ": " + path);
        }
        return image;
    }

    /** The text of the one QR code in {@code image}; fails when there is none or it is unreadable. */
    static String decode(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] pixels = image.getRGB(0, 0, width, height, null, 0, width);
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, pixels)));
        try {
            return new QRCodeReader().decode(bitmap).getText();
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("no readable QR code in the image", e);
        }
    }
}
