// image://qr/TEXT: a QR code of TEXT (percent-encoded in the URL) drawn with libqrencode,
// black modules on white with the quiet zone, for the safety number screen. Scales to
// the requested size in whole pixels per module so a phone can scan it off the screen.
#pragma once

#include <QQuickImageProvider>

namespace lagrum::app {

class QrImageProvider : public QQuickImageProvider {
  public:
    QrImageProvider() : QQuickImageProvider(QQuickImageProvider::Image) {}
    QImage requestImage(const QString& id, QSize* size, const QSize& requested) override;
};

}  // namespace lagrum::app
