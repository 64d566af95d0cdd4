#include "qr_image_provider.h"

#include <qrencode.h>

#include <QUrl>
#include <memory>

namespace lagrum::app {

QImage QrImageProvider::requestImage(const QString& id, QSize* size, const QSize& requested) {
    const QByteArray text = QUrl::fromPercentEncoding(id.toUtf8()).toUtf8();
    // A safety number's payload is short; anything longer than a QR code holds is refused.
    if (text.isEmpty() || text.size() > 2048) return {};
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString8bit(text.constData(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!qr) return {};
    constexpr int kQuiet = 4;  // modules of white border (ISO/IEC 18004)
    const int modules = qr->width + 2 * kQuiet;
    const int want = requested.isValid() ? std::min(requested.width(), requested.height()) : 0;
    const int scale = std::max(1, want > 0 ? want / modules : 6);
    QImage img(modules * scale, modules * scale, QImage::Format_RGB32);
    img.fill(Qt::white);
    for (int y = 0; y < qr->width; ++y) {
        for (int x = 0; x < qr->width; ++x) {
            if ((qr->data[y * qr->width + x] & 1) == 0) continue;
            for (int dy = 0; dy < scale; ++dy) {
                auto* line = reinterpret_cast<QRgb*>(img.scanLine((y + kQuiet) * scale + dy));
                for (int dx = 0; dx < scale; ++dx) line[(x + kQuiet) * scale + dx] = qRgb(0, 0, 0);
            }
        }
    }
    if (size != nullptr) *size = img.size();
    return img;
}

}  // namespace lagrum::app
