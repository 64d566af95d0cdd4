// lagrum-desktop [--profile DIR] [--lang sv|en] [--dark] [--measure-startup]
//
// With LAGRUM_PASSPHRASE in the environment the profile is unlocked without asking (the
// demo script relies on this). LAGRUM_APP_SCREENSHOTS=DIR drives the app through its
// screens and writes PNGs there (tests/app/screenshots.sh), then exits.
// --measure-startup (with LAGRUM_PASSPHRASE) unlocks, waits for the first frame that shows
// the conversation list, prints the time from process start (the kernel's start time, so
// loading the libraries counts) less the time in Client::open (Argon2id), and the CPU
// time used, then exits.
#include <QtQml/qqmlextensionplugin.h>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickStyle>
#include <QQuickWindow>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

#include "app_controller.h"
#include "catalog_path.h"
#include "lagrum/core/legal/catalog.h"

Q_IMPORT_QML_PLUGIN(LagrumPlugin)

namespace {

double steady_ms() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double boottime_ms() {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// This process's start, in ms since boot (/proc/self/stat field 22, clock ticks); < 0 if
// unknown.
double process_start_ms() {
    std::ifstream f("/proc/self/stat");
    std::string stat;
    std::getline(f, stat);
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i) {
        if (i == 22) return std::stod(field) * 1e3 / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
    return -1;
}

double cpu_ms(int who) {
    rusage u{};
    getrusage(who, &u);
    const auto ms = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
    };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
    const double main_entry_steady = steady_ms();
    const double main_entry_boot = boottime_ms();
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
    QCommandLineOption measure_opt(
        QStringLiteral("measure-startup"),
        QStringLiteral("unlock with $LAGRUM_PASSPHRASE, print the time to a usable "
                       "conversation list (without Argon2id) and the CPU time, and exit"));
    parser.addOption(profile_opt);
    parser.addOption(lang_opt);
    parser.addOption(dark_opt);
    parser.addOption(measure_opt);
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

    if (parser.isSet(measure_opt)) {
        if (!qEnvironmentVariableIsSet("LAGRUM_PASSPHRASE") ||
            controller.screen() != QLatin1String("unlock")) {
            std::fprintf(stderr,
                         "lagrum-desktop: --measure-startup needs a profile and "
                         "LAGRUM_PASSPHRASE\n");
            return 2;
        }
        auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
        // The controller's readyMs runs from its static initialisation (just before main)
        // to the list's data, less Client::open; the time in Client::open follows from it.
        // The first frame after that shows the list. Start: the kernel's, so that loading
        // Qt and the other libraries counts too.
        QObject::connect(&controller, &lagrum::app::AppController::readyChanged, window, [&] {
            const double ready_steady = steady_ms();
            const double open_ms = ready_steady - main_entry_steady - controller.ready_ms();
            QObject::connect(
                window, &QQuickWindow::frameSwapped, window,
                [&, open_ms] {
                    const double start = process_start_ms();
                    const double pre_main = start >= 0 ? main_entry_boot - start : 0;
                    const double total = boottime_ms() - (start >= 0 ? start : main_entry_boot);
                    std::printf(
                        "startup: %.0f ms from process start to the conversation list shown "
                        "(%d rooms), without %.0f ms in Client::open (Argon2id); %.0f ms "
                        "before main; CPU user+sys %.0f ms (GUI thread %.0f ms)\n",
                        total - open_ms, controller.rooms()->count(), open_ms, pre_main,
                        cpu_ms(RUSAGE_SELF), cpu_ms(RUSAGE_THREAD));
                    std::fflush(stdout);
                    QCoreApplication::exit(0);
                },
                Qt::SingleShotConnection);
            window->update();
        });
    }

    // The demo interface: unlock without asking when the passphrase is in the environment.
    if (qEnvironmentVariableIsSet("LAGRUM_PASSPHRASE") &&
        controller.screen() == QLatin1String("unlock")) {
        controller.unlock(qEnvironmentVariable("LAGRUM_PASSPHRASE"));
    }
    return QGuiApplication::exec();
}
