// lagrum_report: a Document becomes a PDF whose page count and text poppler reads back
// (pdfinfo, pdftotext from poppler-utils), with Swedish letters intact and a long table
// continuing over pages.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "lagrum/report/pdf.h"

namespace {

namespace fs = std::filesystem;

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    std::array<char, 4096> buf{};
    while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    pclose(p);
    return out;
}

int pdf_pages(const fs::path& pdf) {
    const std::string info = run("pdfinfo '" + pdf.string() + "'");
    const auto at = info.find("Pages:");
    if (at == std::string::npos) return -1;
    return std::stoi(info.substr(at + 6));
}

std::string pdf_text(const fs::path& pdf) {
    return run("pdftotext -layout '" + pdf.string() + "' -");
}

fs::path temp_dir() {
    fs::path d =
        fs::temp_directory_path() /
        ("lagrum-report-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(d);
    return d;
}

TEST(ReportPdf, OnePageWithSwedishText) {
    const auto dir = temp_dir();
    lagrum::report::Document doc;
    doc.title("Utlämnandelogg");
    doc.subtitle("Borås socialtjänst / Anna Andersson");
    doc.heading("Sekretessbrytande bestämmelse");
    doc.paragraph("10 kap. 18 a § offentlighets- och sekretesslagen (2009:400)");
    doc.table({"När", "Till", "Rättslig grund"},
              {{"2026-12-06 10:00", "Polisen", "10 kap. 18 a § OSL"}});
    const int pages = doc.write_pdf((dir / "one.pdf").string());
    EXPECT_EQ(pages, 1);
    EXPECT_EQ(pdf_pages(dir / "one.pdf"), 1);
    const std::string text = pdf_text(dir / "one.pdf");
    EXPECT_NE(text.find("Utlämnandelogg"), std::string::npos) << text;
    EXPECT_NE(text.find("Sekretessbrytande bestämmelse"), std::string::npos) << text;
    EXPECT_NE(text.find("10 kap. 18 a §"), std::string::npos) << text;
    EXPECT_NE(text.find("Rättslig grund"), std::string::npos) << text;
    fs::remove_all(dir);
}

TEST(ReportPdf, LongTableContinuesOverPages) {
    const auto dir = temp_dir();
    lagrum::report::Document doc;
    doc.title("Lång tabell");
    std::vector<std::vector<std::string>> rows;
    for (int i = 1; i <= 200; ++i) rows.push_back({std::to_string(i), "rad " + std::to_string(i)});
    doc.table({"Nr", "Text"}, rows);
    const int pages = doc.write_pdf((dir / "long.pdf").string());
    EXPECT_GE(pages, 3);
    EXPECT_EQ(pdf_pages(dir / "long.pdf"), pages);
    const std::string text = pdf_text(dir / "long.pdf");
    EXPECT_NE(text.find("rad 1\n"), std::string::npos);
    EXPECT_NE(text.find("rad 200"), std::string::npos);
    // The footer says "N / M"; pdftotext may drop the spaces around the slash.
    std::string compact;
    for (char c : text) {
        if (c != ' ') compact.push_back(c);
    }
    EXPECT_NE(compact.find(std::to_string(pages) + "/" + std::to_string(pages)), std::string::npos);
    fs::remove_all(dir);
}

TEST(ReportPdf, UnwritablePathThrows) {
    lagrum::report::Document doc;
    doc.title("x");
    EXPECT_THROW(doc.write_pdf("/nonexistent-dir/x.pdf"), lagrum::report::ReportError);
}

}  // namespace
