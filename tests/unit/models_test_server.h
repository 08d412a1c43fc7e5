#pragma once
// A tiny HTTP/1.1 file server on 127.0.0.1 (ephemeral port) for the download tests. The first
// path segment picks a behaviour; every request's Range and If-Range headers are recorded.
//   /fast/<f>     the file at once, with Range support and ETag "v1"
//   /slow/<f>     4 KiB every 10 ms, with Range support
//   /break/<f>    first request: half the file (paced), then the connection is closed; later:
//                 as /fast
//   /wrong/<f>    the file with some bytes changed
//   /norange/<f>  slowly, always 200 with the whole file (Range ignored)
//   /stall/<f>    headers, then nothing
//   /missing/<f>  404
// Never listens on anything but the loopback address.
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

struct SeenRequest {
    QByteArray path;
    QByteArray range;    // the Range header, empty when none
    QByteArray ifRange;  // the If-Range header, empty when none
};

class TestServer : public QObject {
    Q_OBJECT

public:
    explicit TestServer(QByteArray content) : m_content(std::move(content)) {
        connect(&m_server, &QTcpServer::newConnection, this, &TestServer::onConnection);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString url(const QString& mode, const QString& file) const {
        return QStringLiteral("http://127.0.0.1:%1/%2/%3")
            .arg(m_server.serverPort())
            .arg(mode, file);
    }
    QList<SeenRequest> requests;

private:
    void onConnection() {
        while (QTcpSocket* s = m_server.nextPendingConnection()) {
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
        }
    }

    static QByteArray header(const QByteArray& head, const char* name) {
        for (const QByteArray& line : head.split('\n')) {
            const int colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == QByteArray(name).toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }

    void onRead(QTcpSocket* s) {
        QByteArray& buf = m_buffers[s];
        buf += s->readAll();
        const int end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const QByteArray head = buf.left(end);
        buf.clear();
        const QList<QByteArray> requestLine = head.left(head.indexOf('\r')).split(' ');
        SeenRequest r{requestLine.value(1), header(head, "Range"), header(head, "If-Range")};
        requests << r;
        respond(s, r);
    }

    void respond(QTcpSocket* s, const SeenRequest& r) {
        const QByteArray mode = r.path.split('/').value(1);
        if (mode == "missing") {
            s->write(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot "
                "found");
            s->disconnectFromHost();
            return;
        }
        QByteArray body = m_content;
        if (mode == "wrong")
            for (int i = 1000; i < body.size(); i += 4096) body[i] = char(body[i] ^ 0x5a);
        qint64 from = 0;
        const bool ranged = !r.range.isEmpty() && mode != "norange";
        if (ranged) from = r.range.mid(6, r.range.indexOf('-') - 6).toLongLong();
        const qint64 total = body.size();
        QByteArray h = ranged ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
        h += "Content-Length: " + QByteArray::number(total - from) + "\r\nETag: \"v1\"\r\n";
        if (ranged)
            h += "Content-Range: bytes " + QByteArray::number(from) + "-" +
                 QByteArray::number(total - 1) + "/" + QByteArray::number(total) + "\r\n";
        s->write(h + "Connection: close\r\n\r\n");
        if (mode == "stall") return;
        qint64 stopAt = total;
        if (mode == "break" && !m_broke) {
            m_broke = true;
            stopAt = total / 2;
        }
        // The broken transfer is paced so that the client has taken some of the body before
        // the close (Qt's HTTP layer silently resends a request that broke before any body).
        if (mode == "slow" || mode == "norange")
            stream(s, body, from, stopAt, 4096, 10);
        else if (stopAt < total)
            stream(s, body, from, stopAt, 32768, 2);
        else
            stream(s, body, from, stopAt, total, 0);
    }

    // Writes body[from, stopAt) in chunks every intervalMs, then closes the connection.
    void stream(QTcpSocket* s, QByteArray body, qint64 from, qint64 stopAt, qint64 chunk,
                int intervalMs) {
        auto* timer = new QTimer(s);
        timer->setInterval(intervalMs);
        QPointer<QTcpSocket> socket(s);
        auto pos = std::make_shared<qint64>(from);
        connect(timer, &QTimer::timeout, s, [socket, timer, body, pos, stopAt, chunk] {
            if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
                timer->stop();
                return;
            }
            const qint64 n = std::min(chunk, stopAt - *pos);
            socket->write(body.constData() + *pos, n);
            *pos += n;
            if (*pos >= stopAt) {
                timer->stop();
                socket->disconnectFromHost();  // after the buffered bytes are sent
            }
        });
        timer->start();
    }

    QTcpServer m_server;
    QByteArray m_content;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    bool m_broke = false;
};
