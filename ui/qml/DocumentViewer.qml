// A page viewer for stored PDFs: shows image://folio-page/<documentId>/<page> (rendered by the
// folio-ingest child through folio::PageImageProvider, registered as "folio-page") with previous
// and next buttons. openCitation() takes a citation link, folio://doc/<id>/page/<n>[?q=claim].
// showHighlights() draws the cited passage's boxes (page fractions, from
// DocumentsController.citationHighlighted) over the page they belong to.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: root
    property var documentId: 0
    property int page: 1
    property int pageCount: 0          // 0 = unknown: "next" is always enabled
    property string title: ""
    // The cited passage: rects in page fractions, shown while `page` is highlightPage.
    property var highlights: []
    property int highlightPage: 0
    // "searching" while the passage is looked up, "found", "notFound", or "" (no claim).
    property string highlightState: ""
    // A text document (.txt, .md) has no page images: its page is shown as text, from this
    // function (documentId, page) -> text; null for PDFs.
    property var pageTextOf: null
    readonly property bool textDocument: pageTextOf !== null

    function showHighlights(forDocument, forPage, boxes) {
        if (forDocument !== documentId) return
        highlightPage = forPage
        highlights = boxes
        highlightState = boxes.length > 0 ? "found" : "notFound"
    }
    function clearHighlights(searching) {
        highlights = []
        highlightPage = 0
        highlightState = searching ? "searching" : ""
    }

    // Opens a citation link; returns false for anything that is not one.
    function openCitation(url) {
        const m = /^folio:\/\/doc\/(\d+)\/page\/(\d+)(\?q=.*)?$/.exec(url)
        if (!m) return false
        documentId = Number(m[1])
        page = Number(m[2])
        return true
    }

    padding: 4

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: root.title
                elide: Text.ElideMiddle
                font.bold: true
            }
            ToolButton {
                objectName: "previousPageButton"
                text: "‹"
                enabled: root.page > 1
                onClicked: root.page -= 1
            }
            Label {
                objectName: "pageLabel"
                text: root.pageCount > 0 ? qsTr("Page %1 of %2").arg(root.page).arg(root.pageCount)
                                         : qsTr("Page %1").arg(root.page)
            }
            ToolButton {
                objectName: "nextPageButton"
                text: "›"
                enabled: root.pageCount === 0 || root.page < root.pageCount
                onClicked: root.page += 1
            }
        }

        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.textDocument
            clip: true
            contentWidth: availableWidth  // wrap at the pane's width (no implicit-width loop)
            TextArea {
                objectName: "pageText"
                readOnly: true
                wrapMode: TextEdit.Wrap
                selectByMouse: true
                text: root.textDocument && root.documentId > 0 ? root.pageTextOf(root.documentId, root.page) : ""
            }
        }
        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !root.textDocument
            clip: true
            Image {
                id: pageImage
                objectName: "pageImage"
                width: root.width - 2 * root.padding
                fillMode: Image.PreserveAspectFit
                asynchronous: true
                cache: false
                source: root.documentId > 0 && !root.textDocument
                        ? "image://folio-page/%1/%2".arg(root.documentId).arg(root.page) : ""
                Repeater {
                    objectName: "highlightRepeater"
                    model: root.page === root.highlightPage && pageImage.status === Image.Ready
                           ? root.highlights : []
                    Rectangle {
                        required property var modelData
                        readonly property real offsetX: (pageImage.width - pageImage.paintedWidth) / 2
                        readonly property real offsetY: (pageImage.height - pageImage.paintedHeight) / 2
                        objectName: "highlightBox"
                        x: offsetX + modelData.x * pageImage.paintedWidth - 2
                        y: offsetY + modelData.y * pageImage.paintedHeight - 1
                        width: modelData.width * pageImage.paintedWidth + 4
                        height: modelData.height * pageImage.paintedHeight + 2
                        color: "#55ffd000"
                        border.color: "#d0a000"
                        radius: 2
                    }
                }
            }
        }

        BusyIndicator {
            Layout.alignment: Qt.AlignHCenter
            visible: pageImage.status === Image.Loading
            running: visible
        }
        Label {
            objectName: "highlightStatus"
            visible: text.length > 0 && root.page === root.highlightPage
            opacity: 0.7
            text: root.highlightState === "found" ? qsTr("The cited passage is highlighted.")
                : root.highlightState === "notFound" ? qsTr("The cited passage was not found on this page.")
                : ""
        }
        Label {
            objectName: "pageError"
            visible: pageImage.status === Image.Error
            text: qsTr("This page cannot be shown.")
        }
    }
}
