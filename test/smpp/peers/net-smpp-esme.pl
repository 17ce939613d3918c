#!/usr/bin/perl
# An ESME written with Net::SMPP (Debian libnet-smpp-perl) for cellgate's SMPP tests.
#
#   perl net-smpp-esme.pl HOST PORT SYSTEM_ID PASSWORD EXPECT_DELIVER SECONDS
#
# Binds as transceiver (synchronously), then sends five submit_sm asynchronously:
#   gsm      GSM 03.38 text, one septet per octet, registered_delivery 1
#   ucs2     UTF-16BE text, data_coding 8
#   udh1/2   a 200-character GSM text as two parts with a concatenation UDH (esm_class 0x40)
#   payload  a 300-character GSM text in the message_payload TLV, short_message empty
# and reads every PDU in one IO::Select loop (in synchronous mode Net::SMPP drops a deliver_sm that
# arrives while it waits for a response). It answers deliver_sm and enquire_link and stops when the five
# responses and EXPECT_DELIVER deliver_sm have arrived, or after SECONDS. Then it unbinds.
# Output: one line per event, fields as key=value, binary fields in hex.
use strict;
use warnings;
use utf8;
use IO::Select;
use Net::SMPP;
use Encode qw(encode);

binmode STDOUT, ':encoding(UTF-8)';
$| = 1;

my ($host, $port, $system_id, $password, $expect, $seconds) = @ARGV;
die "usage: $0 HOST PORT SYSTEM_ID PASSWORD EXPECT_DELIVER SECONDS\n" unless defined $seconds;

# GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), one septet per octet, for the characters used here.
my %gsm = ('@' => "\x00", '£' => "\x01", '$' => "\x02", '_' => "\x11", '€' => "\x1b\x65");
sub gsm7 {
    my ($text) = @_;
    my $out = '';
    for my $ch (split //, $text) {
        if (exists $gsm{$ch}) { $out .= $gsm{$ch}; next; }
        die "gsm7: character not handled: $ch\n" unless $ch =~ /^[A-Za-z0-9 .,:;!?()'"+\-\/=<>%&*#]$/;
        $out .= $ch;
    }
    return $out;
}

my $smpp = Net::SMPP->new_transceiver($host, port => $port, system_id => $system_id,
    password => $password, system_type => '', timeout => 5);
if (!$smpp) { print "BIND_FAILED\n"; exit 2; }
print "BOUND\n";

my %common = (source_addr_ton => 1, source_addr_npi => 1, source_addr => '4930123456',
    dest_addr_ton => 1, dest_addr_npi => 1, destination_addr => '4917000001');
my %want;
my $seq = $smpp->submit_sm(async => 1, %common, data_coding => 0, registered_delivery => 1,
    short_message => gsm7('Hello from Net::SMPP @£€$'));
$want{$seq} = 'gsm';
$seq = $smpp->submit_sm(async => 1, %common, data_coding => 8,
    short_message => encode('UTF-16BE', 'Grüße – Привет – 你好 €'));
$want{$seq} = 'ucs2';
my $long = ('0123456789' x 20);
my @parts = (substr($long, 0, 153), substr($long, 153));
for my $i (0 .. 1) {
    my $udh = pack('C6', 5, 0, 3, 0x42, 2, $i + 1);
    $seq = $smpp->submit_sm(async => 1, %common, esm_class => 0x40, data_coding => 0,
        short_message => $udh . gsm7($parts[$i]));
    $want{$seq} = 'udh' . ($i + 1);
}
$seq = $smpp->submit_sm(async => 1, %common, data_coding => 0, short_message => '',
    message_payload => gsm7('Payload text. ' x 21 . 'End of payload.'));
$want{$seq} = 'payload';

my $delivers = 0;
my $deadline = time + $seconds;
my $sel = IO::Select->new($smpp);
while ((my $left = $deadline - time) > 0) {
    last if !%want && $delivers >= $expect;
    last unless $sel->can_read($left);
    my $pdu = $smpp->read_pdu() or last;
    my $cmd = $pdu->{cmd};
    if ($cmd == Net::SMPP::CMD_submit_sm_resp) {
        printf "SUBMIT_RESP label=%s status=%d message_id=%s\n", delete $want{$pdu->{seq}} // '?', $pdu->{status}, $pdu->{message_id} // '';
    } elsif ($cmd == Net::SMPP::CMD_deliver_sm) {
        $delivers++;
        printf "DELIVER esm_class=%d data_coding=%d from=%s to=%s sm=%s payload=%s receipted=%s state=%s\n",
            $pdu->{esm_class}, $pdu->{data_coding}, $pdu->{source_addr}, $pdu->{destination_addr},
            unpack('H*', $pdu->{short_message} // ''), unpack('H*', $pdu->{message_payload} // ''),
            defined $pdu->{receipted_message_id} ? unpack('Z*', $pdu->{receipted_message_id}) : '',
            defined $pdu->{message_state} ? unpack('C', $pdu->{message_state}) : '';
        $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
    } elsif ($cmd == Net::SMPP::CMD_enquire_link) {
        $smpp->enquire_link_resp(seq => $pdu->{seq});
    } else {
        printf "OTHER cmd=0x%08x status=%d\n", $cmd, $pdu->{status};
    }
}
my $u = $smpp->unbind();
printf "UNBIND_RESP status=%s\n", $u ? $u->{status} : 'none';
