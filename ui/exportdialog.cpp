#include "exportdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace dmftlab
{

ExportDialog::ExportDialog(const QString &initialPath, bool folderMode, QWidget *parent)
    : QDialog(parent)
    , m_folderMode(folderMode)
{
    setWindowTitle(folderMode ? "Export all figures" : "Export figure");
    auto *form = new QFormLayout(this);
    m_form = form;
    m_path = new QLineEdit(initialPath);
    m_path->setObjectName("exportPath");
    auto *browse = new QPushButton("Browse…");
    auto *row = new QHBoxLayout;
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    form->addRow(folderMode ? "Folder" : "File (.png, .pdf, .svg)", row);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = m_folderMode
            ? QFileDialog::getExistingDirectory(this, "Export folder", m_path->text())
            : QFileDialog::getSaveFileName(
                this, "Export figure", m_path->text(), "PNG image (*.png);;PDF (*.pdf);;SVG (*.svg)");
        if (!p.isEmpty())
            m_path->setText(p);
    });
    QSettings settings;
    m_width = new QSpinBox;
    m_width->setRange(100, 10000);
    m_width->setValue(settings.value("export/width", 1200).toInt());
    m_height = new QSpinBox;
    m_height->setRange(100, 10000);
    m_height->setValue(settings.value("export/height", 800).toInt());
    m_scale = new QDoubleSpinBox;
    m_scale->setRange(0.25, 8.0);
    m_scale->setSingleStep(0.5);
    m_scale->setValue(settings.value("export/scale", 2.0).toDouble());
    m_scale->setToolTip("PNG pixels = size × scale (vector formats ignore it).");
    m_slide = new QCheckBox("Slide style (larger fonts, thicker lines)");
    m_slide->setChecked(settings.value("export/slide", false).toBool());
    m_size = new QComboBox;
    m_size->addItem("custom", QSize());
    for (const QSize &size : { QSize(900, 600), QSize(1200, 800) })
        m_size->addItem(QString("%1 × %2 (3:2)").arg(size.width()).arg(size.height()), size);
    for (const QSize &size : figures::slideSizes())
        m_size->addItem(QString("%1 × %2 (16:9 slide)").arg(size.width()).arg(size.height()), size);
    const auto syncSize = [this] {
        const QSize current(m_width->value(), m_height->value());
        const int i = m_size->findData(current);
        m_size->setCurrentIndex(i >= 0 ? i : 0);
    };
    connect(m_size, &QComboBox::activated, this, [this](int i) {
        const QSize size = m_size->itemData(i).toSize();
        if (size.isValid()) {
            m_width->setValue(size.width());
            m_height->setValue(size.height());
        }
    });
    connect(m_width, &QSpinBox::valueChanged, this, syncSize);
    connect(m_height, &QSpinBox::valueChanged, this, syncSize);
    syncSize();
    m_palette = new QComboBox;
    m_palette->addItem("Okabe–Ito (colour-blind safe)", static_cast<int>(figures::Palette::OkabeIto));
    m_palette->addItem("Tableau 10", static_cast<int>(figures::Palette::Tableau));
    m_palette->setCurrentIndex(std::max(0, m_palette->findData(settings.value("export/palette", 0).toInt())));
    m_stamp = new QCheckBox("Parameter stamp (α, τ, d, seeds, DMFT paths) in a corner");
    m_stamp->setChecked(settings.value("export/stamp", false).toBool());
    form->addRow("Size", m_size);
    form->addRow("Width", m_width);
    form->addRow("Height", m_height);
    form->addRow("PNG scale", m_scale);
    form->addRow("Colours", m_palette);
    form->addRow(m_slide);
    form->addRow(m_stamp);
    if (folderMode) {
        auto *formats = new QHBoxLayout;
        for (const QString &f : ExportService::figureFormats()) {
            auto *box = new QCheckBox(f.toUpper());
            box->setProperty("format", f);
            box->setChecked(f != "svg");
            formats->addWidget(box);
            m_formats.push_back(box);
        }
        form->addRow("Formats", formats);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings s;
        s.setValue("export/width", m_width->value());
        s.setValue("export/height", m_height->value());
        s.setValue("export/scale", m_scale->value());
        s.setValue("export/slide", m_slide->isChecked());
        s.setValue("export/palette", m_palette->currentData().toInt());
        s.setValue("export/stamp", m_stamp->isChecked());
        const QFileInfo info(path());
        s.setValue("export/folder", m_folderMode ? info.absoluteFilePath() : info.absolutePath());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

FigureSettings ExportDialog::settings() const
{
    FigureSettings s;
    s.width = m_width->value();
    s.height = m_height->value();
    s.scale = m_scale->value();
    s.slide = m_slide->isChecked();
    s.palette = static_cast<figures::Palette>(m_palette->currentData().toInt());
    return s; // the caller adds the stamp text and the epoch axis (it knows the run)
}

bool ExportDialog::stampWanted() const
{
    return m_stamp->isChecked();
}

void ExportDialog::setSlidePanels(const QStringList &titles)
{
    setWindowTitle("Export slide (16:9)");
    auto *box = new QVBoxLayout;
    for (int i = 0; i < titles.size(); ++i) {
        auto *check = new QCheckBox(titles[i]);
        check->setChecked(i < 2);
        box->addWidget(check);
        m_panels.push_back(check);
    }
    m_form->insertRow(1, "Panels", box);
    const QSize slide = figures::slideSizes().back();
    m_width->setValue(slide.width());
    m_height->setValue(slide.height());
    m_slide->setChecked(true);
}

std::vector<int> ExportDialog::chosenPanels() const
{
    std::vector<int> out;
    for (std::size_t i = 0; i < m_panels.size(); ++i)
        if (m_panels[i]->isChecked())
            out.push_back(static_cast<int>(i));
    return out;
}

QString ExportDialog::lastFolder()
{
    const QString folder = QSettings().value("export/folder").toString();
    return !folder.isEmpty() && QDir(folder).exists() ? folder : QDir::homePath();
}

QStringList ExportDialog::formats() const
{
    QStringList out;
    for (QCheckBox *b : m_formats)
        if (b->isChecked())
            out << b->property("format").toString();
    return out;
}

} // namespace dmftlab
