// Qt Quick Test suites for lagrum-desktop against a real core and a real relay. The world
// (organisations, relay, profiles) is made by make_world.sh before this binary runs
// (run_quick_tests.sh); LAGRUM_APP_TEST_WORLD names it.
//
// Each QML test file gets a fresh engine; `fixture.useProfile(name)` puts a new
// AppController for WORLD/name behind the context property `app` (the previous one is
// closed), so a test can look at several profiles in turn.
#include <QtQml/qqmlextensionplugin.h>
#include <QGuiApplication>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QtQuickTest>
#include <filesystem>
#include <memory>
#include <optional>

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

class Setup : public QObject {
    Q_OBJECT
  public slots:
    void applicationAvailable() {
        QQuickStyle::setStyle(QStringLiteral("Basic"));
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
        fixture->useProfile(QStringLiteral("empty"));
    }
    void cleanupTestCase() { g_catalog.reset(); }
};

}  // namespace

QUICK_TEST_MAIN_WITH_SETUP(lagrum_app, Setup)

#include "tst_app.moc"
