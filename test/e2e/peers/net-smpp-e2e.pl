#!/usr/bin/perl
# An ESME written with Net::SMPP (Debian libnet-smpp-perl) for cellgate's end-to-end SMPP test
# (test/e2e/smpp-perl.test.ts): it talks to the whole daemon, whose SMSC sends the messages through
# simulated SIMs.
#
#   perl net-smpp-e2e.pl HOST PORT SYSTEM_ID PASSWORD DEST EXPECT_RECEIPTS EXPECT_MO SECONDS
#
# Binds as transceiver, prints BOUND, then sends five submit_sm to DEST (an international number, TON 1)
# asynchronously, each with registered_delivery 1:
#   gsm      GSM 03.38 text, one septet per octet, with @ £ € $ (€ from the extension table)
#   ucs2     UTF-16BE text, data_coding 8
#   udh1/2   a 200-character GSM text as two parts with a TS 23.040 concatenation UDH (esm_class 0x40)
#   payload  a 300-character GSM text in the message_payload TLV, short_message empty
# It reads every PDU in one IO::Select loop (in synchronous mode Net::SMPP drops a deliver_sm that
# arrives while it waits for a response), answers deliver_sm and enquire_link, and stops when the five
# responses, EXPECT_RECEIPTS receipts (esm_class 0x04) and EXPECT_MO other deliver_sm have arrived, or
# after SECONDS. Then it unbinds.
# Output: one line per event, fields as key=value, binary fields in hex.
use strict;
use warnings;
use utf8;
use IO::Select;
use Net::SMPP;
use Encode qw(encode);

binmode STDOUT, ':encoding(UTF-8)';
$| = 1;

my ($host, $port, $system_id, $password, $dest, $expect_receipts, $expect_mo, $seconds) = @ARGV;
die "usage: $0 HOST PORT SYSTEM_ID PASSWORD DEST EXPECT_RECEIPTS EXPECT_MO SECONDS\n" unless defined $seconds;
$dest =~ s/^\+//;

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
    dest_addr_ton => 1, dest_addr_npi => 1, destination_addr => $dest, registered_delivery => 1);
my %want;
my $seq = $smpp->submit_sm(async => 1, %common, data_coding => 0,
    short_message => gsm7('Perl e2e GSM @£€$ ok'));
$want{$seq} = 'gsm';
$seq = $smpp->submit_sm(async => 1, %common, data_coding => 8,
    short_message => encode('UTF-16BE', 'Perl e2e Grüße – Привет – 你好 €'));
$want{$seq} = 'ucs2';
my $long = ('Perl UDH ' . ('0123456789' x 20));
$long = substr($long, 0, 200);
my @parts = (substr($long, 0, 153), substr($long, 153));
for my $i (0 .. 1) {
    my $udh = pack('C6', 5, 0, 3, 0x5a, 2, $i + 1);
    $seq = $smpp->submit_sm(async => 1, %common, esm_class => 0x40, data_coding => 0,
        short_message => $udh . gsm7($parts[$i]));
    $want{$seq} = 'udh' . ($i + 1);
}
$seq = $smpp->submit_sm(async => 1, %common, data_coding => 0, short_message => '',
    message_payload => gsm7('Perl payload. ' x 20 . 'End of payload.'));
$want{$seq} = 'payload';

my ($receipts, $mo) = (0, 0);
my $deadline = time + $seconds;
my $sel = IO::Select->new($smpp);
while ((my $left = $deadline - time) > 0) {
    last if !%want && $receipts >= $expect_receipts && $mo >= $expect_mo;
    last unless $sel->can_read($left);
    my $pdu = $smpp->read_pdu() or last;
    my $cmd = $pdu->{cmd};
    if ($cmd == Net::SMPP::CMD_submit_sm_resp) {
        printf "SUBMIT_RESP label=%s status=%d message_id=%s\n", delete $want{$pdu->{seq}} // '?', $pdu->{status}, $pdu->{message_id} // '';
    } elsif ($cmd == Net::SMPP::CMD_deliver_sm) {
        if (($pdu->{esm_class} & 0x3c) == 0x04) { $receipts++; } else { $mo++; }
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
printf "DONE receipts=%d mo=%d pending=%d\n", $receipts, $mo, scalar(keys %want);
my $u = $smpp->unbind();
printf "UNBIND_RESP status=%s\n", $u ? $u->{status} : 'none';
