// Fails (exit 1) when a Qt Linguist .ts file has an unfinished, empty or missing
// translation; prints each offending source string with its context.
#include <QCoreApplication>
#include <QFile>
#include <QXmlStreamReader>
#include <cstdio>

namespace {

int check(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "ts_check: cannot read %s\n", qPrintable(path));
        return 1;
    }
    QXmlStreamReader xml(&f);
    QString context, source;
    int messages = 0, bad = 0;
    bool in_message = false, translated = false, plural = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("name") && !in_message) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                in_message = true;
                translated = false;
                plural = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
                source.clear();
                ++messages;
            } else if (name == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                const auto type = xml.attributes().value(QLatin1String("type")).toString();
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                const bool unfinished = type == QLatin1String("unfinished");
                const bool gone =
                    type == QLatin1String("vanished") || type == QLatin1String("obsolete");
                translated = gone || (!unfinished && !text.trimmed().isEmpty());
                (void)plural;
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            in_message = false;
            if (!translated) {
                ++bad;
                std::fprintf(stderr, "%s: untranslated [%s] \"%s\"\n", qPrintable(path),
                             qPrintable(context), qPrintable(source));
            }
        }
    }
    if (xml.hasError()) {
        std::fprintf(stderr, "ts_check: %s: %s\n", qPrintable(path), qPrintable(xml.errorString()));
        return 1;
    }
    std::printf("%s: %d messages, %d untranslated\n", qPrintable(path), messages, bad);
    return bad == 0 && messages > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: ts_check FILE.ts...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; ++i) rc |= check(QString::fromLocal8Bit(argv[i]));
    return rc;
}
