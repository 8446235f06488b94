package io.a4c.local;

import io.a4c.functions.dns.DnsRecord;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The local runtime's stand-in for the Route 53 private hosted zone: an authoritative DNS server on
 * 127.0.0.1 (UDP and TCP, one port) for the workspace domain, answering from the records the
 * functions write ({@code TableWorkspaceDns}). A developer's resolver forwards the domain to it.
 *
 * <ul>
 *   <li>A (or ANY) for a workspace's name: its address, authoritative, with the record's TTL.
 *   <li>Another type for a known name: NOERROR with no answer (and the zone's SOA).
 *   <li>An unknown name in the domain: NXDOMAIN with the zone's SOA, whose minimum (30 s) bounds
 *       how long a resolver remembers that it did not exist.
 *   <li>A name outside the domain: REFUSED. It recurses for nobody (RA clear).
 *   <li>A packet that is not a query it can read: FORMERR when it has a header to answer, else
 *       dropped; nothing a client sends stops the server.
 * </ul>
 *
 * Wire format by dnsjava. Work runs on a small bounded pool: a flood is dropped (UDP clients
 * retry), never queued without end. Only loopback: workspace containers, which run user code,
 * cannot reach it.
 */
public final class LocalDnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalDnsServer.class);
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int UDP_LIMIT = 512;
  private static final int NEGATIVE_TTL = 30;
  private static final int TCP_IDLE_MILLIS = 5_000;
  private static final int TCP_MESSAGES_PER_CONNECTION = 100;

  /** Where the server finds a name's record. */
  @FunctionalInterface
  public interface Records {
    /** The record of {@code hostname} (lower case, no trailing dot), if any. */
    Optional<DnsRecord> find(String hostname);
  }

  private final Name zone;
  private final SOARecord soa;
  private final Records records;
  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final ThreadPoolExecutor workers;
  private final Thread udpReceiver;
  private final Thread tcpAcceptor;
  private volatile boolean closed;

  private LocalDnsServer(int port, String domain, Records records) throws IOException {
    this.zone = zoneName(domain);
    this.records = records;
    this.soa =
        new SOARecord(
            zone,
            DClass.IN,
            NEGATIVE_TTL,
            Name.fromConstantString("ns." + zone),
            Name.fromConstantString("hostmaster." + zone),
            1,
            3600,
            600,
            86400,
            NEGATIVE_TTL);
    DatagramSocket boundUdp = null;
    ServerSocket boundTcp = null;
    // Port 0: the same free port for both; another process may take the TCP half in between.
    for (int attempt = 0; boundTcp == null; attempt++) {
      boundUdp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
      try {
        boundTcp = new ServerSocket();
        boundTcp.setReuseAddress(true);
        boundTcp.bind(new InetSocketAddress(LOOPBACK, boundUdp.getLocalPort()), 50);
      } catch (IOException e) {
        boundUdp.close();
        if (boundTcp != null) {
          boundTcp.close();
          boundTcp = null;
        }
        if (port != 0 || attempt >= 10) {
          throw e;
        }
      }
    }
    this.udp = boundUdp;
    this.tcp = boundTcp;
    this.workers =
        new ThreadPoolExecutor(
            1,
            4,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(256),
            Thread.ofPlatform().daemon().name("dns-worker-", 0).factory(),
            new ThreadPoolExecutor.AbortPolicy());
    this.udpReceiver = Thread.ofPlatform().daemon().name("dns-udp").unstarted(this::receiveUdp);
    this.tcpAcceptor = Thread.ofPlatform().daemon().name("dns-tcp").unstarted(this::acceptTcp);
  }

  /**
   * Starts answering for {@code domain} on 127.0.0.1:{@code port} (0: a free port).
   *
   * @throws IOException when the port is taken (the message names it)
   */
  public static LocalDnsServer start(int port, String domain, Records records) throws IOException {
    LocalDnsServer server;
    try {
      server = new LocalDnsServer(port, domain, records);
    } catch (SocketException e) {
      throw new IOException(
          "DNS server: cannot listen on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "); set "
              + LocalEnv.DNS_PORT
              + " to a free port",
          e);
    }
    server.udpReceiver.start();
    server.tcpAcceptor.start();
    return server;
  }

  /** The port it answers on, UDP and TCP. */
  public int port() {
    return udp.getLocalPort();
  }

  private void receiveUdp() {
    byte[] buffer = new byte[4096];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          log.atWarn().setCause(e).log("DNS: UDP receive failed");
        }
        continue;
      }
      byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
      var client = packet.getSocketAddress();
      try {
        workers.execute(
            () -> {
              byte[] reply = answer(query, UDP_LIMIT);
              if (reply != null) {
                try {
                  udp.send(new DatagramPacket(reply, reply.length, client));
                } catch (IOException e) {
                  log.atDebug().setCause(e).log("DNS: UDP reply not sent");
                }
              }
            });
      } catch (RejectedExecutionException e) {
        // Overloaded: the client asks again.
      }
    }
  }

  private void acceptTcp() {
    while (!closed) {
      Socket connection;
      try {
        connection = tcp.accept();
      } catch (IOException e) {
        if (!closed) {
          log.atWarn().setCause(e).log("DNS: TCP accept failed");
        }
        continue;
      }
      try {
        workers.execute(() -> serveTcp(connection));
      } catch (RejectedExecutionException e) {
        closeQuietly(connection);
      }
    }
  }

  /** Two-byte length, message; several per connection until the client is done or idle. */
  private void serveTcp(Socket connection) {
    try (connection) {
      connection.setSoTimeout(TCP_IDLE_MILLIS);
      var in = new DataInputStream(connection.getInputStream());
      var out = new DataOutputStream(connection.getOutputStream());
      for (int i = 0; i < TCP_MESSAGES_PER_CONNECTION && !closed; i++) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException e) {
          return;
        }
        byte[] query = in.readNBytes(length);
        if (query.length < length) {
          return;
        }
        byte[] reply = answer(query, 65535);
        if (reply == null) {
          return;
        }
        out.writeShort(reply.length);
        out.write(reply);
        out.flush();
      }
    } catch (IOException e) {
      log.atDebug().setCause(e).log("DNS: TCP connection ended");
    }
  }

  /** The wire answer to a wire query, or null to send nothing. */
  byte[] answer(byte[] query, int maxLength) {
    Message request;
    try {
      request = new Message(query);
    } catch (IOException | RuntimeException e) {
      return formatError(query);
    }
    Header header = request.getHeader();
    if (header.getFlag(Flags.QR)) {
      return null; // a response sent to a server: answering it could start a loop
    }
    Message response = new Message(header.getID());
    Header out = response.getHeader();
    out.setFlag(Flags.QR);
    if (header.getFlag(Flags.RD)) {
      out.setFlag(Flags.RD);
    }
    out.setOpcode(header.getOpcode());
    Record question = request.getQuestion();
    if (header.getOpcode() != Opcode.QUERY) {
      out.setRcode(Rcode.NOTIMP);
      return response.toWire(maxLength);
    }
    if (question == null || header.getCount(Section.QUESTION) != 1) {
      out.setRcode(Rcode.FORMERR);
      return response.toWire(maxLength);
    }
    response.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    if (!name.subdomain(zone) || (question.getDClass() != DClass.IN)) {
      out.setRcode(Rcode.REFUSED);
      return response.toWire(maxLength);
    }
    out.setFlag(Flags.AA);
    Optional<DnsRecord> found;
    try {
      found = name.equals(zone) ? Optional.empty() : records.find(hostname(name));
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).addKeyValue("name", name).log("DNS: record lookup failed");
      out.unsetFlag(Flags.AA);
      out.setRcode(Rcode.SERVFAIL);
      return response.toWire(maxLength);
    }
    int type = question.getType();
    if (found.isPresent() && (type == Type.A || type == Type.ANY)) {
      DnsRecord record = found.get();
      try {
        response.addRecord(
            new ARecord(name, DClass.IN, record.ttlSeconds(), InetAddress.getByName(record.ip())),
            Section.ANSWER);
      } catch (IOException e) {
        out.setRcode(Rcode.SERVFAIL);
      }
    } else if (name.equals(zone) && type == Type.SOA) {
      response.addRecord(soa, Section.ANSWER);
    } else {
      // NODATA for a known name (or the zone itself), NXDOMAIN for an unknown one; either way the
      // SOA says how long the absence may be cached.
      if (found.isEmpty() && !name.equals(zone)) {
        out.setRcode(Rcode.NXDOMAIN);
      }
      response.addRecord(soa, Section.AUTHORITY);
    }
    return response.toWire(maxLength);
  }

  /** FORMERR to a query whose header can be read, echoing its id; else nothing. */
  private static byte[] formatError(byte[] query) {
    if (query.length < Header.LENGTH || (query[2] & 0x80) != 0) {
      return null;
    }
    Message response = new Message(((query[0] & 0xff) << 8) | (query[1] & 0xff));
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setRcode(Rcode.FORMERR);
    return response.toWire();
  }

  /** The stored form: lower case, no trailing dot. */
  private static String hostname(Name name) {
    return name.toString(true).toLowerCase(java.util.Locale.ROOT);
  }

  private static Name zoneName(String domain) {
    try {
      return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS domain: " + domain, e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closing
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(udp);
    closeQuietly(tcp);
    workers.shutdownNow();
  }
}
