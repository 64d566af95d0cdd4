// lagrum-desktop [--profile DIR] [--lang sv|en] [--dark]
//
// With LAGRUM_PASSPHRASE in the environment the profile is unlocked without asking (the
// demo script relies on this). LAGRUM_APP_SCREENSHOTS=DIR drives the app through its
// screens and writes PNGs there (tests/app/screenshots.sh), then exits.
#include <QtQml/qqmlextensionplugin.h>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickStyle>
#include <cstdio>

#include "app_controller.h"
#include "catalog_path.h"
#include "lagrum/core/legal/catalog.h"

Q_IMPORT_QML_PLUGIN(LagrumPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("lagrum-desktop"));
    QGuiApplication::setOrganizationName(QStringLiteral("Lagrum"));
    QGuiApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lagrum: provision-checked messaging"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption profile_opt(QStringLiteral("profile"),
                                   QStringLiteral("profile folder (default: $LAGRUM_PROFILE, "
                                                  "else ~/.local/share/lagrum/profile)"),
                                   QStringLiteral("DIR"));
    QCommandLineOption lang_opt(QStringLiteral("lang"), QStringLiteral("sv (default) or en"),
                                QStringLiteral("LANG"), QStringLiteral("sv"));
    QCommandLineOption dark_opt(QStringLiteral("dark"), QStringLiteral("dark theme"));
    parser.addOption(profile_opt);
    parser.addOption(lang_opt);
    parser.addOption(dark_opt);
    if (!parser.parse(QGuiApplication::arguments())) {
        std::fprintf(stderr, "lagrum-desktop: %s\n", parser.errorText().toUtf8().constData());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version"))) parser.showVersion();
    const QString lang = parser.value(lang_opt);
    if (lang != QLatin1String("sv") && lang != QLatin1String("en")) {
        std::fprintf(stderr, "lagrum-desktop: --lang must be sv or en\n");
        return 2;
    }
    const auto profile = lagrum::app::profile_dir(parser.value(profile_opt).toStdString());
    if (profile.empty()) {
        std::fprintf(stderr,
                     "lagrum-desktop: no profile: give --profile DIR or set LAGRUM_PROFILE\n");
        return 2;
    }

    auto loaded = lagrum::core::legal::load_catalog(lagrum::app::catalog_dir());
    if (auto* e = std::get_if<lagrum::core::legal::CatalogError>(&loaded)) {
        std::fprintf(stderr, "lagrum-desktop: catalog error: %s\n", e->to_string().c_str());
        return 1;
    }
    const auto catalog = std::get<lagrum::core::legal::Catalog>(std::move(loaded));

    // Basic is the one Controls style whose look we test; Fusion etc. are not needed.
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    lagrum::app::AppController controller(catalog, QString::fromStdString(profile.string()));
    controller.set_dark(parser.isSet(dark_opt));

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.rootContext()->setContextProperty(QStringLiteral("app"), &controller);
    controller.attach(&engine);
    controller.set_language(lang);
    engine.load(QUrl(QStringLiteral("qrc:/Lagrum/qml/Main.qml")));
    if (engine.rootObjects().isEmpty()) return 1;

    // The demo interface: unlock without asking when the passphrase is in the environment.
    if (qEnvironmentVariableIsSet("LAGRUM_PASSPHRASE") &&
        controller.screen() == QLatin1String("unlock")) {
        controller.unlock(qEnvironmentVariable("LAGRUM_PASSPHRASE"));
    }
    return QGuiApplication::exec();
}
