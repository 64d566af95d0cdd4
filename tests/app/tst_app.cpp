// Qt Quick Test suites for lagrum-desktop against a real core and a real relay. The world
// (organisations, relay, profiles) is made by make_world.sh before this binary runs
// (run_quick_tests.sh); LAGRUM_APP_TEST_WORLD names it.
//
// Each QML test file gets a fresh engine; `fixture.useProfile(name)` puts a new
// AppController for WORLD/name behind the context property `app` (the previous one is
// closed), so a test can look at several profiles in turn.
#include <QtQml/qqmlextensionplugin.h>
#include <QAccessible>
#include <QColor>
#include <QDir>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQmlProperty>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtQuickTest>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "app_controller.h"
#include "catalog_path.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/transport/grpc_transport.h"

Q_IMPORT_QML_PLUGIN(LagrumPlugin)

namespace {

std::optional<lagrum::core::legal::Catalog> g_catalog;

class Fixture : public QObject {
    Q_OBJECT
  public:
    explicit Fixture(QQmlEngine* engine) : QObject(engine), engine_(engine) {}

    Q_INVOKABLE QObject* useProfile(const QString& name) {
        const QString world = qEnvironmentVariable("LAGRUM_APP_TEST_WORLD");
        auto* next =
            new lagrum::app::AppController(*g_catalog, world + QStringLiteral("/") + name, this);
        next->attach(engine_);
        engine_->rootContext()->setContextProperty(QStringLiteral("app"), next);
        delete current_;  // closes its profile on its worker thread
        current_ = next;
        return next;
    }
    Q_INVOKABLE QString world() const { return qEnvironmentVariable("LAGRUM_APP_TEST_WORLD"); }
    // The size of a file the app wrote (an export), -1 when there is none.
    Q_INVOKABLE qint64 fileSize(const QString& path) const {
        std::error_code ec;
        const auto n = std::filesystem::file_size(path.toStdString(), ec);
        return ec ? -1 : static_cast<qint64>(n);
    }

    // Runs the real `lagrum` CLI (LAGRUM_APP_TEST_CLI) in the world's folder, with the
    // world's passphrase: how a test looks at another member's profile through the core,
    // outside the app. Returns {code, out, err}. Bounded: 60 s.
    Q_INVOKABLE QVariantMap cli(const QStringList& args) const {
        QProcess p;
        p.setWorkingDirectory(world());
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LAGRUM_PASSPHRASE"), QStringLiteral("testpass"));
        env.remove(QStringLiteral("LAGRUM_PROFILE"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("LAGRUM_APP_TEST_CLI"), args);
        QVariantMap r;
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            r[QStringLiteral("code")] = -1;
        } else {
            r[QStringLiteral("code")] = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        }
        r[QStringLiteral("out")] = QString::fromUtf8(p.readAllStandardOutput());
        r[QStringLiteral("err")] = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

  private:
    QQmlEngine* engine_;
    lagrum::app::AppController* current_ = nullptr;
};

// A message whose sekretessmarkering is altered after the sender's check (the CLI cannot
// do this; Client::send's test hook can): the receiver must flag it with the reason.
void send_tampered_message(const QString& world) {
    auto client = lagrum::core::messaging::Client::open((world + "/anna").toStdString(), "testpass",
                                                        *g_catalog);
    client->set_transport_factory([](const std::string& a, const std::string& ca) {
        return lagrum::transport::make_grpc_transport(a, ca);
    });
    lagrum::core::messaging::SendRequest req;
    req.room = "Soc och polis";
    req.subject = "200801012386";
    req.provision = "osl-10-18a";
    req.facts_json =
        R"({"risk_of_criminal_activity":true,"not_inappropriate":true,"concerns_committed_crime":false})";
    req.text = "Meddelande med ändrad markering (test).";
    req.tamper_for_testing = [](lagrum::content::v1::Content& c) {
        c.mutable_disclosure()->mutable_marking()->set_citation("26 kap. 1 § OSL");
    };
    const auto r = client->send(req);
    if (!r.allowed || !r.sent) qFatal("fixture: the tampered message was not sent");
}

QString class_name(const QObject* o) {
    QString n = QString::fromLatin1(o->metaObject()->className());
    const auto cut = n.indexOf(QLatin1String("_QML"));
    return cut > 0 ? n.left(cut) : n;
}

QString label_of(const QQuickItem* item) {
    QString l = item->objectName().isEmpty() ? class_name(item) : item->objectName();
    const QVariant text = item->property("text");
    if (text.isValid() && !text.toString().isEmpty()) l += "(\"" + text.toString().left(30) + "\")";
    return l;
}

bool inherits_any(const QObject* o, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (o->inherits(n)) return true;
    return false;
}

// Something a user operates: it takes Tab focus, or it is a kind of control that does.
bool interactive(const QQuickItem* item) {
    if (item->activeFocusOnTab()) return true;
    return inherits_any(item, {"QQuickAbstractButton", "QQuickComboBox", "QQuickSpinBox",
                               "QQuickSlider", "QQuickRangeSlider", "QQuickDial", "QQuickTextField",
                               "QQuickTextArea", "QQuickTumbler"});
}

// Reads accessibility the way assistive technology does: through the item's
// QAccessibleInterface (Accessible.name is not readable from JavaScript in Qt 6.4).
class A11y : public QObject {
    Q_OBJECT
  public:
    using QObject::QObject;

    Q_INVOKABLE QString name(QObject* o) const {
        auto* i = o ? QAccessible::queryAccessibleInterface(o) : nullptr;
        return i ? i->text(QAccessible::Name) : QString();
    }
    Q_INVOKABLE QString description(QObject* o) const {
        auto* i = o ? QAccessible::queryAccessibleInterface(o) : nullptr;
        return i ? i->text(QAccessible::Description) : QString();
    }
    Q_INVOKABLE int role(QObject* o) const {
        auto* i = o ? QAccessible::queryAccessibleInterface(o) : nullptr;
        return i ? static_cast<int>(i->role()) : -1;
    }
    Q_INVOKABLE bool active() const { return QAccessible::isActive(); }

    // The navigation a walk follows: every visible TabButton in the window (the sections
    // in Main's header, and any tabs inside a page), in item order.
    Q_INVOKABLE QVariantList tabButtons(QQuickItem* any) const {
        QVariantList out;
        if (any && any->window()) collect_tabs(any->window()->contentItem(), out);
        return out;
    }
    // Every page of the app's QML module (qrc:/Lagrum/qml/*Page.qml), so a page that no
    // navigation reaches yet is still walked.
    Q_INVOKABLE QStringList pageUrls() const {
        QStringList out;
        const QDir dir(QStringLiteral(":/Lagrum/qml"));
        for (const auto& f : dir.entryList({QStringLiteral("*Page.qml")}, QDir::Files, QDir::Name))
            out << QStringLiteral("qrc:/Lagrum/qml/") + f;
        return out;
    }

    // Walks every item of the window that holds `any` (header, pages, popups) and returns
    // {checked: N, problems: [...]}: each visible, enabled control without an accessible
    // name, without a role (none or the generic "client"), or that can be operated with
    // the mouse but is not in the Tab chain. `where` prefixes each problem.
    Q_INVOKABLE QVariantMap walk(QQuickItem* any, const QString& where) const {
        QStringList problems;
        int checked = 0;
        if (any && any->window()) visit(any->window()->contentItem(), where, problems, checked);
        return {{QStringLiteral("checked"), checked}, {QStringLiteral("problems"), problems}};
    }

    // Layout at the current size and scale: text cut off (Text.truncated), and controls
    // that are squeezed below their implicit width or lie outside the window where no
    // scrolling view can bring them in.
    Q_INVOKABLE QStringList layoutProblems(QQuickItem* any, const QString& where) const {
        QStringList problems;
        if (any && any->window()) layout(any->window()->contentItem(), where, false, problems);
        return problems;
    }

    // WCAG 2.1 1.4.3: every visible text of the window against what is painted behind it
    // (the nearest ancestor Rectangle or Control background with a colour, else the
    // window's colour), below `minimum` contrast. Returns {checked, problems}.
    Q_INVOKABLE QVariantMap contrast(QQuickItem* any, const QString& where, double minimum) const {
        QStringList problems;
        int checked = 0;
        if (any && any->window())
            text_contrast(any->window()->contentItem(), where, minimum, problems, checked);
        return {{QStringLiteral("checked"), checked}, {QStringLiteral("problems"), problems}};
    }
    Q_INVOKABLE double ratio(const QColor& a, const QColor& b) const {
        return contrast_ratio(a, b);
    }

  private:
    static double channel(double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    }
    // WCAG 2.1 relative luminance and contrast ratio.
    static double luminance(const QColor& c) {
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) +
               0.0722 * channel(c.blueF());
    }
    static double contrast_ratio(const QColor& a, const QColor& b) {
        const double la = luminance(a), lb = luminance(b);
        return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
    }
    static QColor over(const QColor& top, const QColor& below) {
        const double a = top.alphaF();
        return QColor::fromRgbF(static_cast<float>(top.redF() * a + below.redF() * (1 - a)),
                                static_cast<float>(top.greenF() * a + below.greenF() * (1 - a)),
                                static_cast<float>(top.blueF() * a + below.blueF() * (1 - a)));
    }
    // The colour painted behind `item`: its own or an ancestor's Rectangle colour, or an
    // ancestor Control's background, composited down to the window's colour.
    static QColor behind(const QQuickItem* item) {
        std::vector<QColor> layers;
        for (const QQuickItem* a = item; a != nullptr; a = a->parentItem()) {
            QColor c;
            if (a != item && a->inherits("QQuickRectangle"))
                c = a->property("color").value<QColor>();
            if (a->inherits("QQuickControl") || a->inherits("QQuickPopupItem")) {
                auto* bg = a->property("background").value<QQuickItem*>();
                if (bg && bg != item && bg->isVisible() && bg->inherits("QQuickRectangle"))
                    c = bg->property("color").value<QColor>();
            }
            if (c.isValid() && c.alpha() > 0) {
                layers.push_back(c);
                if (c.alpha() == 255) break;
            }
        }
        QColor result = item->window() ? item->window()->color() : QColor(Qt::white);
        for (auto it = layers.rbegin(); it != layers.rend(); ++it) result = over(*it, result);
        return result;
    }

    void text_contrast(QQuickItem* item, const QString& path, double minimum, QStringList& problems,
                       int& checked) const {
        if (!item || !item->isVisible() || item->opacity() <= 0.0) return;
        const QString here = path + "/" + label_of(item);
        if (inherits_any(item, {"QQuickText", "QQuickTextInput", "QQuickTextEdit"})) {
            const QString text = item->property("text").toString().trimmed();
            const bool password = item->property("echoMode").toInt() == 2;
            if (!text.isEmpty() && !password) {
                ++checked;
                const QColor bg = behind(item);
                const QColor fg = over(item->property("color").value<QColor>(), bg);
                const double r = contrast_ratio(fg, bg);
                if (r + 1e-9 < minimum)
                    problems << here + QStringLiteral(": %1 on %2 is %3:1")
                                           .arg(fg.name(), bg.name())
                                           .arg(r, 0, 'f', 2);
            }
        }
        for (QQuickItem* c : item->childItems()) text_contrast(c, here, minimum, problems, checked);
    }

    static void collect_tabs(QQuickItem* item, QVariantList& out) {
        if (!item || !item->isVisible()) return;
        if (item->inherits("QQuickTabButton") && item->isEnabled())
            out << QVariant::fromValue(static_cast<QObject*>(item));
        for (QQuickItem* c : item->childItems()) collect_tabs(c, out);
    }

    void visit(QQuickItem* item, const QString& path, QStringList& problems, int& checked) const {
        if (!item || !item->isVisible() || item->opacity() <= 0.0) return;
        const QString here = path + "/" + label_of(item);
        if (item->isEnabled() && interactive(item)) {
            ++checked;
            auto* i = QAccessible::queryAccessibleInterface(item);
            QString n = i ? i->text(QAccessible::Name).trimmed() : QString();
            // Qt 6.4's interface gives no name for a password field (echoMode Password);
            // the name set in QML is then read from the attached Accessible object.
            if (n.isEmpty())
                n = QQmlProperty(item, QStringLiteral("Accessible.name"), qmlContext(item))
                        .read()
                        .toString()
                        .trimmed();
            const auto r = i ? i->role() : QAccessible::NoRole;
            if (n.isEmpty()) problems << here + ": no accessible name";
            if (r == QAccessible::NoRole || r == QAccessible::Client)
                problems << here + ": no accessible role";
            if (!item->activeFocusOnTab()) problems << here + ": not reachable with Tab";
        }
        for (QQuickItem* c : item->childItems()) visit(c, here, problems, checked);
    }

    void layout(QQuickItem* item, const QString& path, bool scrollable,
                QStringList& problems) const {
        if (!item || !item->isVisible() || item->opacity() <= 0.0) return;
        const QString here = path + "/" + label_of(item);
        const QVariant truncated = item->property("truncated");
        if (truncated.isValid() && truncated.toBool() && item->width() > 0)
            problems << here + ": text cut off";
        if (interactive(item) && item->isEnabled()) {
            const double iw = item->implicitWidth();
            if (iw > 0 && item->width() + 0.5 < iw &&
                inherits_any(item, {"QQuickAbstractButton", "QQuickComboBox"}))
                problems
                    << here +
                           QStringLiteral(": squeezed to %1 of %2 px").arg(item->width()).arg(iw);
            if (!scrollable) {
                const QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
                const QRectF win(0, 0, item->window()->width(), item->window()->height());
                if (!win.adjusted(-0.5, -0.5, 0.5, 0.5).contains(r))
                    problems << here + QStringLiteral(": outside the window (%1,%2 %3x%4)")
                                           .arg(r.x())
                                           .arg(r.y())
                                           .arg(r.width())
                                           .arg(r.height());
            }
        }
        const bool flick = item->inherits("QQuickFlickable");
        for (QQuickItem* c : item->childItems()) layout(c, here, scrollable || flick, problems);
    }
};

class Setup : public QObject {
    Q_OBJECT
  public slots:
    void applicationAvailable() {
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        // What a screen reader's presence does: controls then publish their implicit
        // roles and names (a Button's text), which the accessibility walk reads.
        QAccessible::setActive(true);
        auto loaded = lagrum::core::legal::load_catalog(lagrum::app::catalog_dir());
        if (auto* e = std::get_if<lagrum::core::legal::CatalogError>(&loaded)) {
            qFatal("catalog: %s", e->to_string().c_str());
        }
        g_catalog.emplace(std::get<lagrum::core::legal::Catalog>(std::move(loaded)));
        const QString world = qEnvironmentVariable("LAGRUM_APP_TEST_WORLD");
        if (world.isEmpty())
            qFatal("LAGRUM_APP_TEST_WORLD is not set (run_quick_tests.sh sets it)");
        send_tampered_message(world);
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        auto* fixture = new Fixture(engine);
        engine->rootContext()->setContextProperty(QStringLiteral("fixture"), fixture);
        engine->rootContext()->setContextProperty(QStringLiteral("a11y"), new A11y(engine));
        fixture->useProfile(QStringLiteral("empty"));
    }
    void cleanupTestCase() { g_catalog.reset(); }
};

}  // namespace

QUICK_TEST_MAIN_WITH_SETUP(lagrum_app, Setup)

#include "tst_app.moc"
