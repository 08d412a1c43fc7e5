#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) standing in for PyPI in the default-model
// tests: it serves whatever bytes were put at a path (JSON index answers, simple-index pages,
// wheels) with Range support, 404 for anything else, and can break a path's first transfer
// midway. Every request's path and Range header is recorded. Never listens beyond loopback.
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <memory>

class PypiServer : public QObject {
    Q_OBJECT

public:
    struct Seen {
        QByteArray path;
        QByteArray range;
    };

    PypiServer() {
        connect(&m_server, &QTcpServer::newConnection, this, &PypiServer::onConnection);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString base() const {
        return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
    }
    void put(const QByteArray& path, const QByteArray& body) { m_files[path] = body; }
    void remove(const QByteArray& path) { m_files.remove(path); }
    void breakOnce(const QByteArray& path) { m_breakOnce.insert(path); }
    QList<Seen> requests;

private:
    void onConnection() {
        while (QTcpSocket* s = m_server.nextPendingConnection()) {
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
        }
    }

    void onRead(QTcpSocket* s) {
        QByteArray& buf = m_buffers[s];
        buf += s->readAll();
        const int end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const QByteArray head = buf.left(end);
        buf.clear();
        Seen r{head.left(head.indexOf('\r')).split(' ').value(1), {}};
        for (const QByteArray& line : head.split('\n'))
            if (line.toLower().startsWith("range:")) r.range = line.mid(6).trimmed();
        requests << r;
        respond(s, r);
    }

    void respond(QTcpSocket* s, const Seen& r) {
        if (!m_files.contains(r.path)) {
            s->write(
                "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot "
                "found");
            s->disconnectFromHost();
            return;
        }
        const QByteArray body = m_files.value(r.path);
        const qint64 total = body.size();
        qint64 from = 0;
        if (!r.range.isEmpty()) from = r.range.mid(6, r.range.indexOf('-') - 6).toLongLong();
        QByteArray h =
            r.range.isEmpty() ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 206 Partial Content\r\n";
        h += "Content-Length: " + QByteArray::number(total - from) + "\r\nETag: \"v1\"\r\n";
        if (!r.range.isEmpty())
            h += "Content-Range: bytes " + QByteArray::number(from) + "-" +
                 QByteArray::number(total - 1) + "/" + QByteArray::number(total) + "\r\n";
        s->write(h + "Connection: close\r\n\r\n");
        qint64 stopAt = total;
        if (m_breakOnce.remove(r.path)) stopAt = from + (total - from) / 2;
        // Paced, so that the client has read some of the body before a break (Qt silently
        // resends a request that broke before any body arrived).
        auto* timer = new QTimer(s);
        timer->setInterval(2);
        QPointer<QTcpSocket> socket(s);
        auto pos = std::make_shared<qint64>(from);
        connect(timer, &QTimer::timeout, s, [socket, timer, body, pos, stopAt] {
            if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
                timer->stop();
                return;
            }
            const qint64 n = std::min<qint64>(65536, stopAt - *pos);
            socket->write(body.constData() + *pos, n);
            *pos += n;
            if (*pos >= stopAt) {
                timer->stop();
                socket->disconnectFromHost();
            }
        });
        timer->start();
    }

    QTcpServer m_server;
    QHash<QByteArray, QByteArray> m_files;
    QSet<QByteArray> m_breakOnce;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};
