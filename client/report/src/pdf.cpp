// Document → PDF through QPdfWriter and a QTextDocument laid out for the writer's page,
// painted page by page so every page gets the same footer (title, page N / M) and the
// caller learns the page count.
#include "lagrum/report/pdf.h"

#include <QAbstractTextDocumentLayout>
#include <QFile>
#include <QFont>
#include <QGuiApplication>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextDocument>

namespace lagrum::report {

namespace {

// Qt needs a QGuiApplication before any paint device or font exists. The CLI has none,
// so the first report starts one on the offscreen platform (no display needed) unless
// the caller chose a platform. Kept for the life of the process (reachable, not leaked).
void ensure_gui_application() {
    if (QCoreApplication::instance() != nullptr) {
        if (qobject_cast<QGuiApplication*>(QCoreApplication::instance()) == nullptr) {
            throw ReportError(
                "PDF reports need a QGuiApplication, and a non-GUI Qt "
                "application is already running");
        }
        return;
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's start-up chatter (XDG_RUNTIME_DIR, font fallbacks) is not for the CLI's user;
    // only critical messages get through.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& msg) {
        if (type == QtCriticalMsg || type == QtFatalMsg) {
            fprintf(stderr, "lagrum report: %s\n", msg.toLocal8Bit().constData());
        }
    });
    static int argc = 1;
    static char name[] = "lagrum";
    static char* argv[] = {name, nullptr};
    static QGuiApplication* app = new QGuiApplication(argc, argv);
    (void)app;
}

QString q(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString esc(const std::string& s) {
    // Plain text in, HTML out: escape markup and keep line breaks.
    return q(s).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
}

QString to_html(const std::string& title, const std::vector<Document::Block>& blocks) {
    QString h;
    h += QStringLiteral(
        "<html><head><style>"
        "h1 { font-size: 16pt; font-weight: bold; margin-bottom: 2pt; }"
        "h2 { font-size: 12pt; font-weight: bold; margin-top: 12pt; margin-bottom: 4pt; }"
        "p { margin-top: 2pt; margin-bottom: 4pt; }"
        "p.sub { color: #444444; margin-bottom: 8pt; }"
        "p.foot { color: #444444; font-size: 7.5pt; margin-top: 10pt; }"
        "table { border-collapse: collapse; }"
        "th { background-color: #e6e6e6; font-weight: bold; text-align: left; }"
        "td, th { border: 0.5px solid #888888; padding: 2px; vertical-align: top; }"
        "</style></head><body>");
    if (!title.empty()) h += QStringLiteral("<h1>") + esc(title) + QStringLiteral("</h1>");
    for (const auto& b : blocks) {
        switch (b.kind) {
            case Document::Block::Kind::subtitle:
                h += QStringLiteral("<p class=\"sub\">") + esc(b.text) + QStringLiteral("</p>");
                break;
            case Document::Block::Kind::heading:
                h += QStringLiteral("<h2>") + esc(b.text) + QStringLiteral("</h2>");
                break;
            case Document::Block::Kind::paragraph:
                h += QStringLiteral("<p>") + esc(b.text) + QStringLiteral("</p>");
                break;
            case Document::Block::Kind::footnote:
                h += QStringLiteral("<p class=\"foot\">") + esc(b.text) + QStringLiteral("</p>");
                break;
            case Document::Block::Kind::table: {
                h += QStringLiteral(
                    "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"2\"><thead><tr>");
                for (const auto& c : b.header) {
                    h += QStringLiteral("<th>") + esc(c) + QStringLiteral("</th>");
                }
                h += QStringLiteral("</tr></thead><tbody>");
                for (const auto& row : b.rows) {
                    h += QStringLiteral("<tr>");
                    for (std::size_t i = 0; i < b.header.size(); ++i) {
                        h += QStringLiteral("<td>") + (i < row.size() ? esc(row[i]) : QString()) +
                             QStringLiteral("</td>");
                    }
                    h += QStringLiteral("</tr>");
                }
                h += QStringLiteral("</tbody></table>");
                break;
            }
        }
    }
    h += QStringLiteral("</body></html>");
    return h;
}

}  // namespace

void Document::title(std::string text) {
    title_ = std::move(text);
}

void Document::subtitle(std::string text) {
    blocks_.push_back({Block::Kind::subtitle, std::move(text), {}, {}});
}

void Document::heading(std::string text) {
    blocks_.push_back({Block::Kind::heading, std::move(text), {}, {}});
}

void Document::paragraph(std::string text) {
    blocks_.push_back({Block::Kind::paragraph, std::move(text), {}, {}});
}

void Document::table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
    blocks_.push_back({Block::Kind::table, {}, std::move(header), std::move(rows)});
}

void Document::footnote(std::string text) {
    blocks_.push_back({Block::Kind::footnote, std::move(text), {}, {}});
}

int Document::write_pdf(const std::string& path) const {
    ensure_gui_application();
    {
        // QPdfWriter reports an unwritable file only by painting nothing; check first.
        QFile probe(q(path));
        if (!probe.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            throw ReportError("cannot write " + path + ": " + probe.errorString().toStdString());
        }
    }
    QPdfWriter writer(q(path));
    writer.setResolution(300);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(16, 16, 16, 16), QPageLayout::Millimeter);
    writer.setTitle(q(title_));
    writer.setCreator(QStringLiteral("Lagrum"));

    QTextDocument doc;
    doc.documentLayout()->setPaintDevice(&writer);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(8.5);
    doc.setDefaultFont(font);
    doc.setHtml(to_html(title_, blocks_));

    const qreal width = writer.width();
    const qreal height = writer.height();
    QFont foot_font = font;
    foot_font.setPointSizeF(7);
    const qreal footer = QFontMetricsF(foot_font, &writer).height() * 2.0;
    const qreal body = height - footer;
    doc.setPageSize(QSizeF(width, body));
    const int pages = doc.pageCount();

    QPainter painter;
    if (!painter.begin(&writer)) throw ReportError("cannot write " + path);
    for (int i = 0; i < pages; ++i) {
        if (i > 0) writer.newPage();
        painter.save();
        painter.setClipRect(QRectF(0, 0, width, body));
        painter.translate(0, -body * i);
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.clip = QRectF(0, body * i, width, body);
        doc.documentLayout()->draw(&painter, ctx);
        painter.restore();
        painter.setFont(foot_font);
        painter.setPen(QColor(0x44, 0x44, 0x44));
        const QRectF foot(0, body, width, footer);
        painter.drawText(foot, Qt::AlignLeft | Qt::AlignBottom, q(title_));
        painter.drawText(foot, Qt::AlignRight | Qt::AlignBottom,
                         QStringLiteral("%1 / %2").arg(i + 1).arg(pages));
    }
    if (!painter.end()) throw ReportError("cannot write " + path);
    return pages;
}

}  // namespace lagrum::report
