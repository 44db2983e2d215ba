package dev.tollgate.server.console;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code laid out for an inline SVG: the side of the square in modules, quiet zone included,
 * and one path that fills the dark modules. The path holds only numbers and the letters
 * {@code M h v z}: whatever text was encoded (an {@code otpauth://} URI, with a username in it)
 * is in the pattern, never in the markup.
 *
 * @param size the viewBox's width and height, in modules
 * @param path SVG path data, one rectangle per horizontal run of dark modules
 */
public record QrSvg(int size, String path) {

    /** ISO/IEC 18004 §7.3.8: four light modules around the symbol, which scanners need to find it. */
    static final int QUIET_ZONE = 4;

    /**
     * Error correction M (15%) at least, the common choice for codes on screens; the library raises
     * it where that costs no larger symbol.
     */
    static QrSvg of(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            int x = 0;
            while (x < qr.size) {
                if (!qr.getModule(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < qr.size && qr.getModule(x, y)) {
                    x++;
                }
                int run = x - start;
                path.append('M').append(start + QUIET_ZONE).append(' ').append(y + QUIET_ZONE)
                        .append('h').append(run).append("v1h-").append(run).append('z');
            }
        }
        return new QrSvg(qr.size + 2 * QUIET_ZONE, path.toString());
    }
}
